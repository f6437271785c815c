package block

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// sfdiskImage makes a zeroed image of size bytes and partitions it with
// sfdisk (util-linux), the tool that makes real tables.
func sfdiskImage(t *testing.T, size int64, script string) []byte {
	t.Helper()
	path, err := exec.LookPath("sfdisk")
	if err != nil {
		t.Fatalf("sfdisk is needed (package fdisk; .ci/deps.sh installs it): %v", err)
	}
	img := filepath.Join(t.TempDir(), "disk.img")
	if err := os.WriteFile(img, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(img, size); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, "--no-reread", "--no-tell-kernel", "-q", img)
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sfdisk: %v\n%s", err, out)
	}
	b, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPartitionTables(t *testing.T) {
	const MiB = 1 << 20
	tests := []struct {
		name   string
		script string
		want   []Partition
	}{
		{
			name:   "mbr primaries",
			script: "label: dos\nstart=2048, size=4096, type=83\nstart=8192, size=2048, type=83\n",
			want:   []Partition{{1, 2048 * 512, 4096 * 512}, {2, 8192 * 512, 2048 * 512}},
		},
		{
			name:   "mbr extended and logical",
			script: "label: dos\nstart=2048, size=2048, type=83\nstart=4096, size=16384, type=5\nstart=6144, size=2048, type=83\nstart=10240, size=4096, type=83\n",
			want: []Partition{
				{1, 2048 * 512, 2048 * 512},
				{2, 4096 * 512, 1024},
				{5, 6144 * 512, 2048 * 512},
				{6, 10240 * 512, 4096 * 512},
			},
		},
		{
			name:   "gpt",
			script: "label: gpt\nstart=2048, size=4096\nstart=6144, size=8192\n",
			want:   []Partition{{1, 2048 * 512, 4096 * 512}, {2, 6144 * 512, 8192 * 512}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img := sfdiskImage(t, 16*MiB, tc.script)
			got, err := ReadPartitions(NewMemDisk(img))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("partition %d: got %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
	t.Run("no table", func(t *testing.T) {
		got, err := ReadPartitions(NewMemDisk(make([]byte, MiB)))
		if err != nil || len(got) != 0 {
			t.Fatalf("got %v, %v", got, err)
		}
	})
	t.Run("damaged primary gpt header: the backup is used", func(t *testing.T) {
		img := sfdiskImage(t, 16*MiB, "label: gpt\nstart=2048, size=4096\n")
		img[512+40] ^= 0xff // inside the checksummed header
		got, err := ReadPartitions(NewMemDisk(img))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0] != (Partition{1, 2048 * 512, 4096 * 512}) {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("both gpt headers damaged: the protective mbr entry", func(t *testing.T) {
		img := sfdiskImage(t, 16*MiB, "label: gpt\nstart=2048, size=4096\n")
		img[512+40] ^= 0xff
		img[len(img)-512+40] ^= 0xff
		got, err := ReadPartitions(NewMemDisk(img))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Number != 1 || got[0].Start != 512 {
			t.Fatalf("got %+v, want the protective partition 1 at sector 1", got)
		}
	})
}

func FuzzReadPartitions(f *testing.F) {
	mbr := make([]byte, 64<<10)
	mbr[510], mbr[511] = 0x55, 0xAA
	mbr[446+4] = 0x05
	mbr[446+8] = 1
	mbr[446+12] = 100
	f.Add(mbr)
	f.Fuzz(func(t *testing.T, img []byte) {
		parts, err := ReadPartitions(NewMemDisk(img))
		if err != nil {
			return
		}
		for _, p := range parts {
			if p.Start < 0 || p.Size <= 0 || p.Start+p.Size > int64(len(img)) {
				t.Fatalf("partition outside the disk: %+v (disk %d)", p, len(img))
			}
		}
	})
}
