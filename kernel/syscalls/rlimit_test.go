package syscalls_test

import (
	"encoding/binary"
	"testing"

	"liblinux/abi"
)

// TestRlimitDefaults checks init's limits against Linux's INIT_RLIMITS,
// with RLIMIT_NPROC and RLIMIT_SIGPENDING from memory as fork_init sets
// them (LKL: THREAD_SIZE 4096, so mem/65536 of each).
func TestRlimitDefaults(t *testing.T) {
	const inf = abi.RLIM_INFINITY
	for _, tc := range []struct {
		cmdline string
		threads uint64 // RLIMIT_NPROC and RLIMIT_SIGPENDING
	}{
		{"mem=64M", 1024},
		{"mem=1M", 16},
		{"mem=8G", 131072},
		{"", 1024}, // LKL's default, 64 MiB
	} {
		e := newEnv(t, tc.cmdline)
		want := map[int][2]uint64{
			abi.RLIMIT_CPU:        {inf, inf},
			abi.RLIMIT_FSIZE:      {inf, inf},
			abi.RLIMIT_DATA:       {inf, inf},
			abi.RLIMIT_STACK:      {8 << 20, inf},
			abi.RLIMIT_CORE:       {0, inf},
			abi.RLIMIT_RSS:        {inf, inf},
			abi.RLIMIT_NPROC:      {tc.threads, tc.threads},
			abi.RLIMIT_NOFILE:     {1024, 4096},
			abi.RLIMIT_MEMLOCK:    {8 << 20, 8 << 20},
			abi.RLIMIT_AS:         {inf, inf},
			abi.RLIMIT_LOCKS:      {inf, inf},
			abi.RLIMIT_SIGPENDING: {tc.threads, tc.threads},
			abi.RLIMIT_MSGQUEUE:   {819200, 819200},
			abi.RLIMIT_NICE:       {0, 0},
			abi.RLIMIT_RTPRIO:     {0, 0},
			abi.RLIMIT_RTTIME:     {inf, inf},
		}
		if len(want) != abi.RLIM_NLIMITS {
			t.Fatalf("%d limits checked, want %d", len(want), abi.RLIM_NLIMITS)
		}
		b, p := e.buf(abi.SizeofRlimit)
		for res, w := range want {
			e.want("getrlimit", e.sys(abi.SYS_GETRLIMIT, uintptr(res), p), 0)
			cur, max := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])
			if cur != w[0] || max != w[1] {
				t.Errorf("%q: limit %d = %d/%d, want %d/%d", tc.cmdline, res, cur, max, w[0], w[1])
			}
		}
	}
}

// TestRlimitFsize checks RLIMIT_FSIZE on a tmpfs file: writes at or past
// the limit fail with EFBIG (Linux would also send SIGXFSZ), writes that
// straddle it are short, sizes past it are refused to truncate and
// fallocate, and a new limit takes effect at once.
func TestRlimitFsize(t *testing.T) {
	e := newEnv(t, "")
	fd := e.open("/f")
	data := e.str("0123456789abcdef")
	setFsize := func(n uint64) {
		b, p := e.buf(abi.SizeofRlimit)
		binary.LittleEndian.PutUint64(b, n)
		binary.LittleEndian.PutUint64(b[8:], abi.RLIM_INFINITY)
		e.want("setrlimit", e.sys(abi.SYS_SETRLIMIT, abi.RLIMIT_FSIZE, p), 0)
	}
	setFsize(10)
	e.want("straddling write", e.sys(abi.SYS_WRITE, fd, data, 16), 10)
	e.want("write at the limit", e.sys(abi.SYS_WRITE, fd, data, 1), errno(abi.EFBIG))
	e.want("empty write past the limit", e.sys(abi.SYS_PWRITE64, fd, data, 0, 20), 0)
	e.want("pwrite straddling", e.sys(abi.SYS_PWRITE64, fd, data, 5, 8), 2)
	e.want("ftruncate to the limit", e.sys(abi.SYS_FTRUNCATE, fd, 10), 0)
	e.want("ftruncate past it", e.sys(abi.SYS_FTRUNCATE, fd, 11), errno(abi.EFBIG))
	e.want("truncate past it", e.sys(abi.SYS_TRUNCATE, e.str("/f"), 11), errno(abi.EFBIG))
	e.want("fallocate past it", e.sys(abi.SYS_FALLOCATE, fd, 0, 0, 11), errno(abi.EFBIG))
	e.want("fallocate keep-size past it", e.sys(abi.SYS_FALLOCATE, fd, abi.FALLOC_FL_KEEP_SIZE, 8, 3), errno(abi.EFBIG))
	e.want("fallocate inside", e.sys(abi.SYS_FALLOCATE, fd, 0, 0, 10), 0)
	e.want("shrink", e.sys(abi.SYS_FTRUNCATE, fd, 4), 0)
	app := uintptr(e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/f"), abi.O_WRONLY|abi.O_APPEND, 0))
	e.want("append straddling", e.sys(abi.SYS_WRITE, app, data, 16), 6)
	e.want("append at the limit", e.sys(abi.SYS_WRITE, app, data, 1), errno(abi.EFBIG))
	setFsize(abi.RLIM_INFINITY)
	e.want("append without a limit", e.sys(abi.SYS_WRITE, app, data, 16), 16)
	st, sp := e.buf(abi.SizeofStat)
	e.want("fstat", e.sys(abi.SYS_FSTAT, fd, sp), 0)
	var s abi.Stat
	s.UnmarshalFrom(st)
	if s.Size != 26 {
		t.Errorf("size %d, want 26", s.Size)
	}
}
