package ext4

import (
	"os/exec"
	"regexp"
	"strconv"
	"testing"
)

// TestNameHash checks the directory hashes against debugfs's dx_hash.
func TestNameHash(t *testing.T) {
	needTools(t)
	img := writeTemp(t, mkfs(t, "", "1M"))
	re := regexp.MustCompile(`is 0x([0-9a-f]+) \(minor 0x([0-9a-f]+)\)`)
	seed := [4]uint32{0x23456701, 0x12345678, 0x9abcdef0, 0x0fedcba9}
	seedStr := "01674523-7856-3412-f0de-bc9aa9cbed0f"
	algs := map[string]uint8{"0": 0, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
	for _, name := range []string{"a", "abc", "lost+found", "hello_wörld_this_is_a_long_name_of_more_than_32_bytes", "\xff\xfe\x80x"} {
		for alg, v := range algs {
			for _, s := range []string{"", seedStr} {
				args := []string{"-R", "dx_hash -h " + alg + " " + name, img}
				if s != "" {
					args[1] = "dx_hash -h " + alg + " -s " + s + " " + name
				}
				out, err := exec.Command("debugfs", args...).Output()
				if err != nil {
					t.Fatal(err)
				}
				mm := re.FindStringSubmatch(string(out))
				if mm == nil {
					t.Fatalf("debugfs said %q", out)
				}
				wantMaj, _ := strconv.ParseUint(mm[1], 16, 32)
				wantMin, _ := strconv.ParseUint(mm[2], 16, 32)
				var sd [4]uint32
				if s != "" {
					sd = seed
				}
				maj, min := nameHash([]byte(name), v, sd)
				if v == 0 || v == 3 {
					min = 0
				}
				if uint64(maj) != wantMaj || uint64(min) != wantMin {
					t.Errorf("%s %q seed %q: got %#x/%#x, want %#x/%#x", alg, name, s, maj, min, wantMaj, wantMin)
				}
			}
		}
	}
}
