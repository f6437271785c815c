package ext4

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

// fuzzBase is an image to corrupt and the offsets worth corrupting: the
// superblock, group descriptors, inode records, extent tree blocks,
// directory blocks, attribute blocks, the journal superblock.
type fuzzBase struct {
	img  []byte
	hot  []int
	name string
}

var (
	fuzzOnce  sync.Once
	fuzzBases []fuzzBase
	fuzzErr   error
)

func fuzzImages(t testing.TB) []fuzzBase {
	fuzzOnce.Do(func() { fuzzBases, fuzzErr = buildFuzzImages() })
	if fuzzErr != nil {
		t.Fatal(fuzzErr)
	}
	return fuzzBases
}

func buildFuzzImages() ([]fuzzBase, error) {
	dir, err := os.MkdirTemp("", "ext4fuzz")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "src")
	os.MkdirAll(filepath.Join(src, "d", "sub"), 0o755)
	for k := 0; k < 120; k++ {
		os.WriteFile(filepath.Join(src, "d", fmt.Sprintf("entry-%03d-%s", k, strings.Repeat("x", k%40))), []byte{byte(k)}, 0o644)
	}
	os.WriteFile(filepath.Join(src, "d", "sub", "file"), bytes.Repeat([]byte("abc"), 3000), 0o644)
	os.WriteFile(filepath.Join(src, "small"), []byte("tiny"), 0o644)
	frag, _ := os.Create(filepath.Join(src, "frag"))
	for k := int64(0); k < 200; k++ {
		frag.WriteAt([]byte("y"), k*2*1024)
	}
	frag.Close()
	os.Symlink("small", filepath.Join(src, "fast"))
	os.Symlink(strings.Repeat("slow/", 30), filepath.Join(src, "slowlink"))
	setxattr(filepath.Join(src, "small"), "user.small", []byte("v"))
	setxattr(filepath.Join(src, "d"), "user.big", bytes.Repeat([]byte("big"), 150))
	var out []fuzzBase
	for _, c := range []struct {
		name string
		opts []string
	}{
		{"nocsum", []string{"-O", "^metadata_csum,^64bit", "-N", "256"}},
		{"csum", []string{"-N", "256"}},
		{"ext2", []string{"-t", "ext2", "-N", "256"}},
		{"inline", []string{"-O", "inline_data,^metadata_csum", "-I", "256", "-N", "256"}},
	} {
		img := filepath.Join(dir, c.name)
		args := append([]string{"-q", "-F", "-d", src}, c.opts...)
		if o, err := exec.Command("mkfs.ext4", append(args, img, "3M")...).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("mkfs: %v %s", err, o)
		}
		if c.name == "nocsum" {
			// A second image of this kind with transactions in its
			// journal, to corrupt the recovery's input.
			jimg := filepath.Join(dir, "journal")
			data := filepath.Join(dir, "jdata")
			os.WriteFile(data, bytes.Repeat([]byte("journal!"), 256), 0o644)
			exec.Command("cp", img, jimg).Run()
			cmds := filepath.Join(dir, "jcmds")
			os.WriteFile(cmds, []byte(fmt.Sprintf("jo\njw -b 100,101 %s\njw -r 101\njw -b 102 %s\njc\n", data, data)), 0o644)
			if o, err := exec.Command("debugfs", "-w", "-f", cmds, jimg).CombinedOutput(); err != nil {
				return nil, fmt.Errorf("debugfs: %v %s", err, o)
			}
			b, _ := os.ReadFile(jimg)
			hot := hotOffsets(jimg, b)
			for k := 0; k < 12; k++ {
				o, _ := exec.Command("debugfs", "-R", fmt.Sprintf("bmap <8> %d", k), jimg).Output()
				if blk, err := strconv.Atoi(strings.TrimSpace(string(o))); err == nil && blk > 0 {
					for j := 0; j < 1024; j++ {
						hot = append(hot, blk*1024+j)
					}
				}
			}
			out = append(out, fuzzBase{img: b, hot: hot, name: "journal"})
		}
		b, _ := os.ReadFile(img)
		hot := hotOffsets(img, b)
		out = append(out, fuzzBase{img: b, hot: hot, name: c.name})
	}
	return out, nil
}

// hotOffsets lists bytes of metadata found with debugfs.
func hotOffsets(imgPath string, img []byte) []int {
	var hot []int
	span := func(off, n int) {
		for k := off; k < off+n && k < len(img); k++ {
			hot = append(hot, k)
		}
	}
	span(1024, 1024) // superblock
	span(2048, 256)  // group descriptors
	run := func(req string) string {
		o, _ := exec.Command("debugfs", "-R", req, imgPath).Output()
		return string(o)
	}
	reIm := regexp.MustCompile(`located at block (\d+), offset (0x[0-9a-f]+)`)
	for _, p := range []string{"/", "/d", "/d/sub", "/d/sub/file", "/small", "/frag", "/fast", "/slowlink", "<8>", "<7>"} {
		if mm := reIm.FindStringSubmatch(run("imap " + p)); mm != nil {
			b, _ := strconv.Atoi(mm[1])
			o, _ := strconv.ParseInt(mm[2], 0, 64)
			span(b*1024+int(o), 256)
		}
		for k := 0; k < 3; k++ {
			if b, err := strconv.Atoi(strings.TrimSpace(run(fmt.Sprintf("bmap %s %d", p, k)))); err == nil && b > 0 {
				span(b*1024, 1024)
			}
		}
	}
	for _, m := range regexp.MustCompile(`(?m)^\s*[01]/\s*\d+\s+\d+/\s*\d+\s+\d+\s*-\s*\d+\s+(\d+)`).FindAllStringSubmatch(run("ex /frag"), -1) {
		b, _ := strconv.Atoi(m[1])
		span(b*1024, 1024)
	}
	if mm := regexp.MustCompile(`File ACL: (\d+)`).FindStringSubmatch(run("stat /d")); mm != nil {
		if b, _ := strconv.Atoi(mm[1]); b > 0 {
			span(b*1024, 1024)
		}
	}
	return hot
}

// exercise mounts a (possibly corrupt) image and uses all of it. Errors
// are expected; panics and hangs are the failures.
func exercise(img []byte, rw bool) {
	disk := newFuzzDisk(img)
	ctx := newCtx()
	flags := uint64(abi.MS_RDONLY)
	if rw {
		flags = 0
	}
	sb, err := NewType("ext4", nil).MountDevice(ctx, vfs.New(), disk, "fuzz", flags, "")
	if err != nil {
		disk.Close()
		return
	}
	fs := sb.FS.(*FS)
	root := sb.Root().Inode().(*inode)
	buf := userBuf(1 << 16)
	visited := 0
	var walk func(d *inode, depth int)
	walk = func(d *inode, depth int) {
		if depth > 8 || visited > 2000 {
			return
		}
		var names []string
		var off int64
		for n := 0; n < 50; n++ {
			got := 0
			err := d.ReadDir(ctx, off, func(e vfs.Dirent) bool {
				got++
				names = append(names, e.Name)
				if e.Next <= off {
					return false
				}
				off = e.Next
				return got < 64
			})
			if err != nil || got == 0 {
				break
			}
		}
		for _, name := range names {
			if name == "." || name == ".." {
				continue
			}
			visited++
			c, err := d.Lookup(ctx, name)
			if err != nil {
				continue
			}
			ci := c.(*inode)
			a := ci.Attr()
			ci.ListXattr(ctx)
			ci.GetXattr(ctx, "user.big")
			ci.GetXattr(ctx, "system.posix_acl_access")
			switch a.Type() {
			case abi.S_IFDIR:
				if ci != d {
					walk(ci, depth+1)
				}
			case abi.S_IFLNK:
				ci.Readlink(ctx)
			case abi.S_IFREG:
				f, err := ci.Open(ctx, abi.O_RDONLY)
				if err != nil {
					continue
				}
				for off := int64(0); off < 1<<20; {
					io, _ := usermem.NewIO(usermem.AddrOf(buf), len(buf))
					n, err := f.Read(ctx, io, off)
					if err != nil || n == 0 {
						break
					}
					off += int64(n)
				}
				f.(*regFile).Seek(ctx, 0, 0, abi.SEEK_DATA)
				f.(*regFile).Seek(ctx, 0, 0, abi.SEEK_HOLE)
				f.Release()
			}
		}
		if !rw {
			return
		}
		// Change things too.
		if c, err := d.Create(ctx, "new-file", vfs.CreateOpts{Mode: abi.S_IFREG | 0o644}); err == nil {
			if f, err := c.Open(ctx, abi.O_RDWR); err == nil {
				io, _ := usermem.NewIO(usermem.AddrOf(buf), 5000)
				f.Write(ctx, io, 3000)
				f.Release()
			}
			c.(*inode).SetXattr(ctx, "user.new", bytes.Repeat([]byte("z"), 300), 0)
		}
		d.Mkdir(ctx, "new-dir", vfs.CreateOpts{Mode: abi.S_IFDIR | 0o755})
		for k, name := range names {
			if name == "." || name == ".." || name == "new-file" || name == "new-dir" {
				continue
			}
			switch k % 4 {
			case 0:
				d.Unlink(ctx, name)
			case 1:
				d.Rename(ctx, name, root, name+".moved", 0)
			case 2:
				if c, err := d.Lookup(ctx, name); err == nil {
					c.SetAttr(ctx, &vfs.SetAttr{Mask: vfs.SetSize, Size: 100})
				}
			case 3:
				d.Rmdir(ctx, name)
			}
		}
	}
	walk(root, 0)
	fs.Statfs()
	fs.Sync()
	fs.release()
	disk.Close()
}

func newFuzzDisk(img []byte) *blockDevice {
	return newTestDevice(img)
}

func FuzzImage(f *testing.F) {
	needTools(f)
	bases := fuzzImages(f)
	f.Add([]byte{0, 0, 0, 0x55})
	f.Add([]byte{1, 1, 0, 0x01, 0, 200, 0xff})
	f.Add([]byte{2, 3, 4, 0x80, 1, 5, 0x10})
	f.Add([]byte{3, 9, 9, 0x02})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		b := bases[int(data[0])%len(bases)]
		img := append([]byte(nil), b.img...)
		data = data[1:]
		for len(data) >= 3 {
			k := int(data[0])<<8 | int(data[1])
			img[b.hot[k%len(b.hot)]] ^= data[2]
			data = data[3:]
		}
		exercise(img, false)
		exercise(img, true)
	})
}

// TestCorruptImages runs the fuzz body over seeded random corruptions.
func TestCorruptImages(t *testing.T) {
	t.Parallel()
	needTools(t)
	bases := fuzzImages(t)
	r := rand.New(rand.NewSource(7))
	n := 100
	if testing.Short() {
		n = 40
	}
	for k := 0; k < n; k++ {
		b := bases[k%len(bases)]
		img := append([]byte(nil), b.img...)
		for j := 0; j < 1+r.Intn(6); j++ {
			img[b.hot[r.Intn(len(b.hot))]] ^= byte(1 << r.Intn(8))
		}
		if k%10 == 0 {
			// Random bytes anywhere in the metadata.
			for j := 0; j < 20; j++ {
				img[b.hot[r.Intn(len(b.hot))]] = byte(r.Intn(256))
			}
		}
		exercise(img, k%2 == 0)
	}
}
