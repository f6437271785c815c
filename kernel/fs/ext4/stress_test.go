package ext4

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestStressWorkload runs long random workloads when EXT4_STRESS=n is set.
func TestStressWorkload(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("EXT4_STRESS"))
	if n == 0 {
		t.Skip("set EXT4_STRESS=rounds")
	}
	needTools(t)
	opts := [][]string{nil, {"-b", "4096"}, {"-O", "^has_journal,^metadata_csum,^64bit"}, {"-O", "inline_data", "-I", "256"}, {"-t", "ext2"}, {"-t", "ext3", "-b", "4096"}, {"-O", "^flex_bg", "-b", "1024", "-g", "1024"}}
	for round := 0; round < n; round++ {
		for k, o := range opts {
			t.Run(fmt.Sprint(round, o), func(t *testing.T) {
				img := mkfs(t, "", "96M", append([]string{"-N", "60000"}, o...)...)
				runWorkload(t, img, 3000, int64(100*round+k))
			})
		}
	}
}

// TestOneStress replays one workload: EXT4_OPTS="mkfs options",
// EXT4_SEED=n, EXT4_STEPS=n.
func TestOneStress(t *testing.T) {
	o := os.Getenv("EXT4_OPTS")
	if o == "" {
		t.Skip("set EXT4_OPTS, EXT4_SEED and EXT4_STEPS")
	}
	needTools(t)
	seed, _ := strconv.Atoi(os.Getenv("EXT4_SEED"))
	steps, _ := strconv.Atoi(os.Getenv("EXT4_STEPS"))
	img := mkfs(t, "", "96M", append([]string{"-N", "60000"}, strings.Fields(o)...)...)
	runWorkload(t, img, steps, int64(seed))
}
