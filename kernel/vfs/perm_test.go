package vfs_test

import (
	"testing"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

func TestPermission(t *testing.T) {
	root := vfs.RootCreds()
	dacOverride := &vfs.Creds{FSUID: 5, FSGID: 5, CapEffective: 1 << abi.CAP_DAC_OVERRIDE}
	readSearch := &vfs.Creds{FSUID: 5, FSGID: 5, CapEffective: 1 << abi.CAP_DAC_READ_SEARCH}
	file := func(mode, uid, gid uint32) *vfs.Attr {
		return &vfs.Attr{Mode: abi.S_IFREG | mode, UID: uid, GID: gid}
	}
	dir := func(mode, uid, gid uint32) *vfs.Attr {
		return &vfs.Attr{Mode: abi.S_IFDIR | mode, UID: uid, GID: gid}
	}
	tests := []struct {
		name string
		c    *vfs.Creds
		a    *vfs.Attr
		mask int
		err  abi.Errno
	}{
		{"owner read", user(1, 1), file(0400, 1, 2), vfs.MayRead, 0},
		{"owner bits win over group", user(1, 2), file(0070, 1, 2), vfs.MayRead, abi.EACCES},
		{"group", user(3, 2), file(0040, 1, 2), vfs.MayRead, 0},
		{"supplementary group", user(3, 9, 7, 2), file(0060, 1, 2), vfs.MayRead | vfs.MayWrite, 0},
		{"group bits win over other", user(3, 2), file(0007, 1, 2), vfs.MayRead, abi.EACCES},
		{"other", user(3, 3), file(0004, 1, 2), vfs.MayRead, 0},
		{"other write denied", user(3, 3), file(0004, 1, 2), vfs.MayWrite, abi.EACCES},
		{"root rw on 000", root, file(0, 1, 2), vfs.MayRead | vfs.MayWrite, 0},
		{"root exec needs an x bit", root, file(0644, 1, 2), vfs.MayExec, abi.EACCES},
		{"root exec with other x", root, file(0001, 1, 2), vfs.MayExec, 0},
		{"root dir search without x", root, dir(0, 1, 2), vfs.MayExec | vfs.MayWrite, 0},
		{"dac_override write", dacOverride, file(0, 1, 2), vfs.MayWrite, 0},
		{"read_search read", readSearch, file(0, 1, 2), vfs.MayRead, 0},
		{"read_search no write", readSearch, file(0, 1, 2), vfs.MayWrite, abi.EACCES},
		{"read_search no exec on files", readSearch, file(0, 1, 2), vfs.MayRead | vfs.MayExec, abi.EACCES},
		{"read_search dir search", readSearch, dir(0, 1, 2), vfs.MayRead | vfs.MayExec, 0},
		{"read_search dir no write", readSearch, dir(0, 1, 2), vfs.MayWrite | vfs.MayExec, abi.EACCES},
	}
	for _, tc := range tests {
		if err := vfs.Permission(tc.c, tc.a, tc.mask); errOf(err) != tc.err {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.err)
		}
	}
}

func TestChmodChown(t *testing.T) {
	f := newFixture(t)
	f.mkfile("/f", 0644)
	p := f.resolve("/f")
	if err := vfs.Chown(f.ctx, p, 1000, 2000); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		c       *vfs.Creds
		op      func() error
		err     abi.Errno
		mode    uint32
		uid     uint32
		gid     uint32
		setMode uint32
	}{
		{"non-owner chmod", user(1001, 1001), func() error { return vfs.Chmod(f.ctx, p, 0600) }, abi.EPERM, 0644, 1000, 2000, 0},
		{"owner chmod drops sgid outside group", user(1000, 1000), func() error { return vfs.Chmod(f.ctx, p, 02755) }, 0, 0755, 1000, 2000, 0},
		{"owner chmod keeps sgid in group", user(1000, 1000, 2000), func() error { return vfs.Chmod(f.ctx, p, 02755) }, 0, 02755, 1000, 2000, 0},
		{"owner chgrp to own group", user(1000, 1000, 3000), func() error { return vfs.Chown(f.ctx, p, -1, 3000) }, 0, 0755, 1000, 3000, 02755},
		{"owner chgrp outside groups", user(1000, 1000), func() error { return vfs.Chown(f.ctx, p, -1, 4000) }, abi.EPERM, 0755, 1000, 3000, 0},
		{"owner gives file away", user(1000, 1000), func() error { return vfs.Chown(f.ctx, p, 1001, -1) }, abi.EPERM, 0755, 1000, 3000, 0},
		{"owner chown to self kills suid", user(1000, 1000), func() error { return vfs.Chown(f.ctx, p, 1000, -1) }, 0, 0755, 1000, 3000, 04755},
		{"root chown", vfs.RootCreds(), func() error { return vfs.Chown(f.ctx, p, 7, 8) }, 0, 0644, 7, 8, 0644},
		{"root chown keeps sgid without group x", vfs.RootCreds(), func() error { return vfs.Chown(f.ctx, p, -1, -1) }, 0, 02645, 7, 8, 02645},
		{"root chown kills sgid with group x", vfs.RootCreds(), func() error { return vfs.Chown(f.ctx, p, -1, -1) }, 0, 0655, 7, 8, 02655},
	} {
		if tc.setMode != 0 {
			if err := vfs.Chmod(f.ctx, p, tc.setMode); err != nil {
				t.Fatal(err)
			}
		}
		var err error
		f.as(tc.c, func() { err = tc.op() })
		if errOf(err) != tc.err {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.err)
		}
		a := f.attr("/f")
		if a.Mode != abi.S_IFREG|tc.mode || a.UID != tc.uid || a.GID != tc.gid {
			t.Errorf("%s: mode %#o uid %d gid %d, want %#o %d %d", tc.name, a.Mode, a.UID, a.GID, tc.mode, tc.uid, tc.gid)
		}
	}
}

func TestSetTimes(t *testing.T) {
	f := newFixture(t)
	f.mkfile("/f", 0666)
	p := f.resolve("/f")
	vfs.Chown(f.ctx, p, 1000, 1000)
	explicit := &[2]vfs.TimeSpec{{Time: vfs.Time{Sec: 1}}, {Time: vfs.Time{Sec: 2}}}
	nowOmit := &[2]vfs.TimeSpec{{Now: true}, {Omit: true}}
	for _, tc := range []struct {
		name string
		c    *vfs.Creds
		ts   *[2]vfs.TimeSpec
		err  abi.Errno
	}{
		{"owner explicit", user(1000, 1000), explicit, 0},
		{"other explicit", user(1001, 1001), explicit, abi.EPERM},
		{"other now with write permission", user(1001, 1001), nil, 0},
		{"other now and omit", user(1001, 1001), nowOmit, abi.EPERM},
		{"root explicit", vfs.RootCreds(), explicit, 0},
	} {
		var err error
		f.as(tc.c, func() { err = vfs.SetTimes(f.ctx, p, tc.ts) })
		if errOf(err) != tc.err {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.err)
		}
	}
	if a := f.attr("/f"); a.Atime != (vfs.Time{Sec: 1}) || a.Mtime != (vfs.Time{Sec: 2}) {
		t.Errorf("times %v %v", a.Atime, a.Mtime)
	}
	vfs.Chmod(f.ctx, p, 0644)
	var err error
	f.as(user(1001, 1001), func() { err = vfs.SetTimes(f.ctx, p, nil) })
	if errOf(err) != abi.EACCES {
		t.Errorf("other now without write permission: %v", err)
	}
}

func TestNewOwnerSetgid(t *testing.T) {
	f := newFixture(t)
	f.mkdir("/g", 0777)
	g := f.resolve("/g")
	vfs.Chown(f.ctx, g, 1000, 2000)
	vfs.Chmod(f.ctx, g, 02777)
	f.as(user(1001, 1001), func() {
		f.mkdir("/g/sub", 0777)
		f.mkfile("/g/x", 02755)
	})
	if a := f.attr("/g/sub"); a.Mode != abi.S_IFDIR|02777 || a.GID != 2000 || a.UID != 1001 {
		t.Errorf("sub: %#o %d:%d", a.Mode, a.UID, a.GID)
	}
	if a := f.attr("/g/x"); a.Mode != abi.S_IFREG|0755 || a.GID != 2000 {
		t.Errorf("x: %#o gid %d (sgid kept by a non-member)", a.Mode, a.GID)
	}
}
