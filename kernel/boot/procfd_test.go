package boot_test

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"liblinux/abi"
)

func (e *env) pipe(flags uintptr) (r, w uintptr) {
	e.t.Helper()
	b := make([]byte, 8)
	if got := e.sys(abi.SYS_PIPE2, e.addr(b), flags); got != 0 {
		e.t.Fatalf("pipe2 = %d", got)
	}
	return uintptr(binary.LittleEndian.Uint32(b)), uintptr(binary.LittleEndian.Uint32(b[4:]))
}

func fdPath(fd uintptr) string { return "/proc/self/fd/" + strconv.Itoa(int(fd)) }

func TestProcFd(t *testing.T) {
	e := newProcEnv(t)
	file := e.open("/a", abi.O_CREAT|abi.O_RDWR)
	e.write(file, "hello")
	ro := e.open("/a", abi.O_RDONLY|abi.O_CLOEXEC)
	wo := e.open("/a", abi.O_WRONLY|abi.O_APPEND)
	dir := e.open("/dev", abi.O_RDONLY|abi.O_DIRECTORY)
	r, w := e.pipe(abi.O_NONBLOCK)
	ep := e.sys(abi.SYS_EPOLL_CREATE1, 0)
	fds := []uintptr{file, ro, wo, dir, r, w, uintptr(ep)}
	pipeIno := e.fstat(r).Ino
	targets := []string{"/a", "/a", "/a", "/dev", fmt.Sprintf("pipe:[%d]", pipeIno), fmt.Sprintf("pipe:[%d]", pipeIno), "anon_inode:[eventpoll]"}
	modes := []uint32{0700, 0500, 0300, 0500, 0500, 0300, 0700}
	var want []string
	for i, fd := range fds {
		want = append(want, strconv.Itoa(int(fd)))
		if s, _ := e.readlink(fdPath(fd)); s != targets[i] {
			t.Errorf("fd %d -> %q, want %q", fd, s, targets[i])
		}
		st := e.lstat(fdPath(fd))
		if st.Mode != abi.S_IFLNK|modes[i] || st.Size != 64 {
			t.Errorf("fd %d link: mode %o size %d, want %o 64", fd, st.Mode, st.Size, abi.S_IFLNK|modes[i])
		}
	}
	// The listing also shows the descriptor of the directory being read.
	want = append(want, strconv.Itoa(len(fds)))
	if got := names(e.list("/proc/self/fd")); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("/proc/self/fd lists %v, want %v", got, want)
	}
	st := e.stat("/proc/self/fd")
	if st.Mode != abi.S_IFDIR|0500 || st.Size != int64(len(fds)) || st.UID != 0 {
		t.Errorf("/proc/self/fd: mode %o size %d uid %d", st.Mode, st.Size, st.UID)
	}
	if st := e.stat("/proc/self/fdinfo"); st.Mode != abi.S_IFDIR|0555 {
		t.Errorf("/proc/self/fdinfo: mode %o", st.Mode)
	}

	// fdinfo: position, F_GETFL's flags (with O_CLOEXEC), mount, inode.
	e.sys(abi.SYS_LSEEK, ro, 3, abi.SEEK_SET)
	info := func(fd uintptr) string { return e.cat("/proc/self/fdinfo/" + strconv.Itoa(int(fd))) }
	fl := func(fd uintptr) int64 { return e.sys(abi.SYS_FCNTL, fd, abi.F_GETFL) }
	aIno := e.fstat(file).Ino
	roInfo := info(ro)
	if want := fmt.Sprintf("pos:\t3\nflags:\t0%o\nmnt_id:\t", fl(ro)|abi.O_CLOEXEC); !strings.HasPrefix(roInfo, want) || !strings.HasSuffix(roInfo, fmt.Sprintf("\nino:\t%d\n", aIno)) {
		t.Errorf("fdinfo of a close-on-exec file:\n%s", roInfo)
	}
	if got := info(wo); !strings.HasPrefix(got, fmt.Sprintf("pos:\t0\nflags:\t0%o\n", fl(wo))) || fl(wo)&abi.O_APPEND == 0 {
		t.Errorf("fdinfo of an O_APPEND file:\n%s", got)
	}
	rInfo, wInfo := info(r), info(w)
	if !strings.HasPrefix(rInfo, "pos:\t0\nflags:\t04000\nmnt_id:\t") || !strings.HasSuffix(rInfo, fmt.Sprintf("\nino:\t%d\n", pipeIno)) {
		t.Errorf("fdinfo of a pipe:\n%s", rInfo)
	}
	mnt := func(s string) string { return strings.Split(strings.Split(s, "mnt_id:\t")[1], "\n")[0] }
	if mnt(rInfo) != mnt(wInfo) || mnt(rInfo) == mnt(roInfo) || mnt(roInfo) != mnt(info(file)) {
		t.Errorf("mount ids: pipe %s/%s, files %s/%s", mnt(rInfo), mnt(wInfo), mnt(roInfo), mnt(info(file)))
	}
	// fdinfo of the fdinfo file being read: its own position.
	self := e.open("/proc/self/fdinfo/0", abi.O_RDONLY)
	selfInfo := e.open("/proc/self/fdinfo/"+strconv.Itoa(int(self)), abi.O_RDONLY)
	if s, _ := e.read(selfInfo, 4096); !strings.HasPrefix(s, "pos:\t0\nflags:\t0") {
		t.Errorf("fdinfo of itself: %q", s)
	}
	e.want("fdinfo of a closed fd", e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/proc/self/fdinfo/99"), abi.O_RDONLY, 0), errno(abi.ENOENT))
}

func TestMagicLinks(t *testing.T) {
	e := newProcEnv(t)
	// An unlinked file is still reached through its descriptor.
	fd := e.open("/gone", abi.O_CREAT|abi.O_RDWR)
	e.write(fd, "still here")
	e.want("unlink", e.sys(abi.SYS_UNLINKAT, atFDCWD, e.str("/gone"), 0), 0)
	if s, _ := e.readlink(fdPath(fd)); s != "/gone (deleted)" {
		t.Errorf("link of an unlinked file %q", s)
	}
	again := e.open(fdPath(fd), abi.O_RDONLY)
	if s, _ := e.read(again, 100); s != "still here" {
		t.Errorf("reopened unlinked file reads %q", s)
	}
	if a, b := e.fstat(fd), e.stat(fdPath(fd)); a.Ino != b.Ino || a.Dev != b.Dev {
		t.Errorf("stat through the link: %d/%d, fstat %d/%d", b.Dev, b.Ino, a.Dev, a.Ino)
	}

	// A renamed file: the link follows it, and so does its text.
	rf := e.open("/before", abi.O_CREAT|abi.O_RDWR)
	e.write(rf, "renamed")
	e.want("rename", e.sys(abi.SYS_RENAMEAT, atFDCWD, e.str("/before"), atFDCWD, e.str("/after")), 0)
	if s, _ := e.readlink(fdPath(rf)); s != "/after" {
		t.Errorf("link of a renamed file %q", s)
	}
	e.sys(abi.SYS_CLOSE, e.open("/before", abi.O_CREAT|abi.O_RDWR)) // a new file of the old name
	if s, _ := e.read(e.open(fdPath(rf), abi.O_RDONLY), 100); s != "renamed" {
		t.Errorf("reopened renamed file reads %q", s)
	}

	// A directory covered by a mount since it was opened: the link
	// reaches the directory itself, not what its path names now.
	e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/m"), 0755)
	e.sys(abi.SYS_CLOSE, e.open("/m/under", abi.O_CREAT|abi.O_RDWR))
	dfd := e.open("/m", abi.O_RDONLY|abi.O_DIRECTORY)
	e.mount("tmpfs", "/m")
	if _, r := e.statAt("/m/under", 0); r != errno(abi.ENOENT) {
		t.Fatalf("/m/under visible through the mount: %d", r)
	}
	if _, r := e.statAt(fdPath(dfd)+"/under", 0); r != 0 {
		t.Errorf("stat through the fd link = %d", r)
	}
	if s, _ := e.readlink(fdPath(dfd)); s != "/m" {
		t.Errorf("fd link text %q", s)
	}

	// cwd: the directory, even removed.
	e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/d"), 0755)
	e.want("chdir", e.sys(abi.SYS_CHDIR, e.str("/d")), 0)
	if s, _ := e.readlink("/proc/self/cwd"); s != "/d" {
		t.Errorf("cwd -> %q", s)
	}
	e.sys(abi.SYS_CLOSE, e.open("/d/x", abi.O_CREAT|abi.O_RDWR))
	if _, r := e.statAt("/proc/self/cwd/x", 0); r != 0 {
		t.Errorf("stat /proc/self/cwd/x = %d", r)
	}
	e.sys(abi.SYS_UNLINKAT, atFDCWD, e.str("/d/x"), 0)
	e.want("rmdir the cwd", e.sys(abi.SYS_UNLINKAT, atFDCWD, e.str("/d"), abi.AT_REMOVEDIR), 0)
	if s, _ := e.readlink("/proc/self/cwd"); s != "/d (deleted)" {
		t.Errorf("cwd -> %q after rmdir", s)
	}
	if st, r := e.statAt("/proc/self/cwd", 0); r != 0 || st.Mode&abi.S_IFMT != abi.S_IFDIR {
		t.Errorf("stat of a removed cwd = %d mode %o", r, st.Mode)
	}
	if s, _ := e.readlink("/proc/self/root"); s != "/" {
		t.Errorf("root -> %q", s)
	}
	if st := e.stat("/proc/self/root/dev/null"); st.Rdev != 0x103 {
		t.Errorf("/proc/self/root/dev/null rdev %#x", st.Rdev)
	}
	e.sys(abi.SYS_CHDIR, e.str("/"))
}

func TestMagicLinkPipes(t *testing.T) {
	e := newProcEnv(t)
	r, w := e.pipe(0)
	pst := e.fstat(r)
	// Reopening the write end for reading gives a reader of that pipe.
	r2 := e.open(fdPath(w), abi.O_RDONLY)
	e.want("write", e.write(w, "through proc"), 12)
	if s, _ := e.read(r2, 100); s != "through proc" {
		t.Errorf("read from the reopened pipe %q", s)
	}
	st := e.fstat(r2)
	if st.Ino != pst.Ino || st.Mode != abi.S_IFIFO|0600 || st.Dev != pst.Dev {
		t.Errorf("fstat of the reopened end: dev %d ino %d mode %o; pipe dev %d ino %d", st.Dev, st.Ino, st.Mode, pst.Dev, pst.Ino)
	}
	if s, _ := e.readlink(fdPath(r2)); s != fmt.Sprintf("pipe:[%d]", pst.Ino) {
		t.Errorf("link of the reopened end %q", s)
	}
	if st := e.stat(fdPath(r)); st.Ino != pst.Ino || st.Mode != abi.S_IFIFO|0600 || st.Dev != pst.Dev {
		t.Errorf("stat through the link: dev %d ino %d mode %o", st.Dev, st.Ino, st.Mode)
	}
	// A pipe never waits for a partner, nor refuses a lonely writer.
	e.sys(abi.SYS_CLOSE, r)
	e.sys(abi.SYS_CLOSE, r2)
	w2 := e.sys(abi.SYS_OPENAT, atFDCWD, e.str(fdPath(w)), abi.O_WRONLY|abi.O_NONBLOCK, 0)
	if w2 < 0 {
		t.Errorf("reopen a pipe with no reader for writing = %d", w2)
	}
	e.want("write with no reader", e.write(uintptr(w2), "x"), errno(abi.EPIPE))
	// Anonymous files cannot be opened by name.
	ep := e.sys(abi.SYS_EPOLL_CREATE1, 0)
	e.want("open an epoll fd through proc", e.sys(abi.SYS_OPENAT, atFDCWD, e.str(fdPath(uintptr(ep))), abi.O_RDONLY, 0), errno(abi.ENXIO))
	if st, r := e.statAt(fdPath(uintptr(ep)), 0); r != 0 {
		t.Errorf("stat an epoll fd through proc = %d (mode %o)", r, st.Mode)
	}
}

func TestMagicLinkAccess(t *testing.T) {
	e := newProcEnv(t)
	other := e.newTask()
	if r := on(other, abi.SYS_NEW_THREAD_GROUP_LEADER); r != 0 {
		t.Fatalf("new_thread_group_leader = %d", r)
	}
	if r := on(other, abi.SYS_SETRESUID, 1000, 1000, 1000); r != 0 {
		t.Fatalf("setresuid = %d", r)
	}
	b := make([]byte, 100)
	readlink := func(path string) int64 {
		return on(other, abi.SYS_READLINKAT, atFDCWD, e.str(path), e.addr(b), 100)
	}
	e.want("a user reads root's cwd link", readlink("/proc/1/cwd"), errno(abi.EACCES))
	e.want("a user opens root's fd directory", on(other, abi.SYS_OPENAT, atFDCWD, e.str("/proc/1/fd"), abi.O_RDONLY|abi.O_DIRECTORY, 0), errno(abi.EACCES))
	e.want("a user reads its own cwd link", readlink("/proc/self/cwd"), 1)
	if fd := on(other, abi.SYS_OPENAT, atFDCWD, e.str("/proc/self/root/dev/null"), abi.O_RDONLY, 0); fd < 0 {
		t.Errorf("a user follows its own root link: %d", fd)
	}
	ps := strconv.Itoa(int(other.TID))
	if st := e.stat("/proc/" + ps + "/fd"); st.UID != 1000 || st.Mode != abi.S_IFDIR|0500 {
		t.Errorf("/proc/%s/fd: uid %d mode %o", ps, st.UID, st.Mode)
	}
	e.want("root reads the user's cwd link", e.sys(abi.SYS_READLINKAT, atFDCWD, e.str("/proc/"+ps+"/cwd"), e.addr(b), 100), 1)
}
