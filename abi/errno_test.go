package abi

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"
)

func TestErrnoValues(t *testing.T) {
	for _, tc := range []struct {
		e    Errno
		v    uintptr
		name string
		msg  string
	}{
		{EPERM, 1, "EPERM", "Operation not permitted"},
		{ENOENT, 2, "ENOENT", "No such file or directory"},
		{EAGAIN, 11, "EAGAIN", "Resource temporarily unavailable"},
		{EWOULDBLOCK, 11, "EAGAIN", "Resource temporarily unavailable"},
		{EDEADLOCK, 35, "EDEADLK", "Resource deadlock avoided"},
		{ENOTSUP, 95, "EOPNOTSUPP", "Operation not supported"},
		{ELOOP, 40, "ELOOP", "Too many levels of symbolic links"},
		{EHWPOISON, 133, "EHWPOISON", "Memory page has hardware error"},
		{ERESTARTSYS, 512, "ERESTARTSYS", "Restart system call"},
		{ERESTART_RESTARTBLOCK, 516, "ERESTART_RESTARTBLOCK", "Restart system call by restart block"},
	} {
		if uintptr(tc.e) != tc.v || tc.e.Name() != tc.name || tc.e.Error() != tc.msg {
			t.Errorf("%d: got %d %q %q, want %d %q %q", tc.v, uintptr(tc.e), tc.e.Name(), tc.e.Error(), tc.v, tc.name, tc.msg)
		}
	}
	if got := Errno(0).Error(); got != "Success" {
		t.Errorf("Errno(0).Error() = %q", got)
	}
	if got := Errno(41).Error(); got != "Unknown error 41" {
		t.Errorf("Errno(41).Error() = %q", got)
	}
	if Errno(41).Name() != "" || Errno(600).Name() != "" {
		t.Error("unused values must have no name")
	}
}

// TestErrnoMessagesMatchGo compares the table with the Go runtime's own
// Linux errno table, which has glibc's texts with a lowercase first letter.
func TestErrnoMessagesMatchGo(t *testing.T) {
	for v := Errno(1); v <= MaxErrno; v++ {
		if v.Name() == "" {
			continue
		}
		want := syscall.Errno(v).Error()
		if strings.HasPrefix(want, "errno ") {
			continue // not in Go's table
		}
		if !strings.EqualFold(v.Error(), want) {
			t.Errorf("%s: %q, Go has %q", v.Name(), v.Error(), want)
		}
	}
}

func TestErrnoContiguous(t *testing.T) {
	for v := Errno(1); v <= MaxErrno; v++ {
		if v.Name() == "" && v != 41 && v != 58 {
			t.Errorf("errno %d has no name", v)
		}
		if v.Internal() {
			t.Errorf("errno %d reported internal", v)
		}
	}
	for _, e := range []Errno{ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ENOIOCTLCMD, ERESTART_RESTARTBLOCK} {
		if !e.Internal() {
			t.Errorf("%s not internal", e.Name())
		}
	}
}

func TestErrnoOf(t *testing.T) {
	if e, ok := ErrnoOf(nil); e != 0 || !ok {
		t.Errorf("nil: %v %v", e, ok)
	}
	if e, ok := ErrnoOf(fmt.Errorf("ext4: inode 12: %w", EIO)); e != EIO || !ok {
		t.Errorf("wrapped: %v %v", e, ok)
	}
	if e, ok := ErrnoOf(errors.Join(errors.New("x"), ENOSPC)); e != ENOSPC || !ok {
		t.Errorf("joined: %v %v", e, ok)
	}
	if e, ok := ErrnoOf(errors.New("plain")); e != 0 || ok {
		t.Errorf("plain: %v %v", e, ok)
	}
}

func TestErrnoIs(t *testing.T) {
	for _, tc := range []struct {
		err    Errno
		target error
		want   bool
	}{
		{ENOENT, fs.ErrNotExist, true},
		{EEXIST, fs.ErrExist, true},
		{ENOTEMPTY, fs.ErrExist, true},
		{EACCES, fs.ErrPermission, true},
		{EPERM, fs.ErrPermission, true},
		{ENOSYS, errors.ErrUnsupported, true},
		{EINVAL, fs.ErrNotExist, false},
		{ENOENT, fs.ErrExist, false},
	} {
		if got := errors.Is(fmt.Errorf("w: %w", tc.err), tc.target); got != tc.want {
			t.Errorf("errors.Is(%s, %v) = %v", tc.err.Name(), tc.target, got)
		}
	}
}
