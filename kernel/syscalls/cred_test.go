package syscalls_test

import (
	"testing"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

const (
	allCaps = uint64(1)<<(abi.CAP_LAST_CAP+1) - 1
	noID    = uintptr(1<<32 - 1)
	fsCaps  = uint64(1<<abi.CAP_CHOWN | 1<<abi.CAP_DAC_OVERRIDE | 1<<abi.CAP_DAC_READ_SEARCH | 1<<abi.CAP_FOWNER |
		1<<abi.CAP_FSETID | 1<<abi.CAP_LINUX_IMMUTABLE | 1<<abi.CAP_MKNOD | 1<<abi.CAP_MAC_OVERRIDE)
)

// ids is a credential state to compare.
type ids struct {
	uid, euid, suid, fsuid uint32
	eff, perm              uint64
}

func (e *env) ids() ids {
	c := e.task.Creds()
	return ids{c.UID, c.EUID, c.SUID, c.FSUID, c.CapEffective, c.CapPermitted}
}

func (e *env) wantIDs(name string, want ids) {
	e.t.Helper()
	if got := e.ids(); got != want {
		e.t.Errorf("%s: creds %+v, want %+v", name, got, want)
	}
}

func TestSetuidFamily(t *testing.T) {
	type step struct {
		nr   uintptr
		args []uintptr
		want int64
		ids  ids
	}
	root := ids{0, 0, 0, 0, allCaps, allCaps}
	tests := []struct {
		name  string
		steps []step
	}{
		{"setuid as root drops everything", []step{
			{abi.SYS_SETUID, []uintptr{1000}, 0, ids{1000, 1000, 1000, 1000, 0, 0}},
			{abi.SYS_SETUID, []uintptr{0}, errno(abi.EPERM), ids{1000, 1000, 1000, 1000, 0, 0}},
			{abi.SYS_SETUID, []uintptr{1000}, 0, ids{1000, 1000, 1000, 1000, 0, 0}},
		}},
		{"invalid ids", []step{
			{abi.SYS_SETUID, []uintptr{noID}, errno(abi.EINVAL), root},
			{abi.SYS_SETRESUID, []uintptr{noID, noID, noID}, 0, root},
		}},
		{"saved uid 0 keeps the permitted set", []step{
			{abi.SYS_SETRESUID, []uintptr{1000, 1000, 0}, 0, ids{1000, 1000, 0, 1000, 0, allCaps}},
			{abi.SYS_SETRESUID, []uintptr{noID, 0, noID}, 0, ids{1000, 0, 0, 0, allCaps, allCaps}},
			{abi.SYS_SETRESUID, []uintptr{noID, 1000, noID}, 0, ids{1000, 1000, 0, 1000, 0, allCaps}},
			{abi.SYS_SETRESUID, []uintptr{2000, noID, noID}, errno(abi.EPERM), ids{1000, 1000, 0, 1000, 0, allCaps}},
			// An unprivileged setuid may switch to the saved uid.
			{abi.SYS_SETUID, []uintptr{0}, 0, ids{1000, 0, 0, 0, allCaps, allCaps}},
		}},
		{"setreuid rules", []step{
			{abi.SYS_SETRESUID, []uintptr{1000, 2000, 3000}, 0, ids{1000, 2000, 3000, 2000, 0, 0}},
			{abi.SYS_SETREUID, []uintptr{4000, noID}, errno(abi.EPERM), ids{1000, 2000, 3000, 2000, 0, 0}},
			{abi.SYS_SETREUID, []uintptr{noID, 4000}, errno(abi.EPERM), ids{1000, 2000, 3000, 2000, 0, 0}},
			// euid to the saved uid, different from the real one: saved = new euid.
			{abi.SYS_SETREUID, []uintptr{noID, 3000}, 0, ids{1000, 3000, 3000, 3000, 0, 0}},
			// euid back to the real uid leaves the saved uid.
			{abi.SYS_SETREUID, []uintptr{noID, 1000}, 0, ids{1000, 1000, 3000, 1000, 0, 0}},
			// Setting the real uid sets saved = euid.
			{abi.SYS_SETREUID, []uintptr{1000, noID}, 0, ids{1000, 1000, 1000, 1000, 0, 0}},
		}},
		{"setresuid no-op needs no privilege", []step{
			{abi.SYS_SETRESUID, []uintptr{5, 5, 5}, 0, ids{5, 5, 5, 5, 0, 0}},
			{abi.SYS_SETRESUID, []uintptr{5, 5, 5}, 0, ids{5, 5, 5, 5, 0, 0}},
			{abi.SYS_SETRESUID, []uintptr{noID, noID, 6}, errno(abi.EPERM), ids{5, 5, 5, 5, 0, 0}},
		}},
		{"setfsuid", []step{
			{abi.SYS_SETFSUID, []uintptr{1000}, 0, ids{0, 0, 0, 1000, allCaps &^ fsCaps, allCaps}},
			{abi.SYS_SETFSUID, []uintptr{noID}, 1000, ids{0, 0, 0, 1000, allCaps &^ fsCaps, allCaps}},
			{abi.SYS_SETFSUID, []uintptr{0}, 1000, root},
			{abi.SYS_SETRESUID, []uintptr{7, 8, 9}, 0, ids{7, 8, 9, 8, 0, 0}},
			{abi.SYS_SETFSUID, []uintptr{9}, 8, ids{7, 8, 9, 9, 0, 0}},
			{abi.SYS_SETFSUID, []uintptr{10}, 9, ids{7, 8, 9, 9, 0, 0}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, "")
			for i, s := range tc.steps {
				e.want(tc.name+" step "+itoa(int64(i)), e.sys(s.nr, s.args...), s.want)
				e.wantIDs(tc.name+" step "+itoa(int64(i)), s.ids)
			}
		})
	}
}

func TestSetgidFamily(t *testing.T) {
	e := newEnv(t, "")
	gids := func() [4]uint32 {
		c := e.task.Creds()
		return [4]uint32{c.GID, c.EGID, c.SGID, c.FSGID}
	}
	check := func(name string, got int64, want int64, g [4]uint32) {
		t.Helper()
		e.want(name, got, want)
		if gids() != g {
			t.Errorf("%s: gids %v, want %v", name, gids(), g)
		}
	}
	check("setgid invalid", e.sys(abi.SYS_SETGID, noID), errno(abi.EINVAL), [4]uint32{})
	check("setresgid", e.sys(abi.SYS_SETRESGID, 10, 20, 30), 0, [4]uint32{10, 20, 30, 20})
	check("setfsgid", e.sys(abi.SYS_SETFSGID, 99), 20, [4]uint32{10, 20, 30, 99})
	check("setregid", e.sys(abi.SYS_SETREGID, noID, 30), 0, [4]uint32{10, 30, 30, 30})
	check("drop root", e.sys(abi.SYS_SETRESUID, 1000, 1000, 1000), 0, [4]uint32{10, 30, 30, 30})
	check("setgid to an unrelated gid", e.sys(abi.SYS_SETGID, 40), errno(abi.EPERM), [4]uint32{10, 30, 30, 30})
	check("setgid to the real gid", e.sys(abi.SYS_SETGID, 10), 0, [4]uint32{10, 10, 30, 10})
	check("setregid to an unrelated gid", e.sys(abi.SYS_SETREGID, 40, noID), errno(abi.EPERM), [4]uint32{10, 10, 30, 10})
	check("setregid to the saved gid", e.sys(abi.SYS_SETREGID, noID, 30), 0, [4]uint32{10, 30, 30, 30})
	check("setresgid unrelated", e.sys(abi.SYS_SETRESGID, noID, noID, 40), errno(abi.EPERM), [4]uint32{10, 30, 30, 30})
	check("setfsgid unrelated", e.sys(abi.SYS_SETFSGID, 40), 30, [4]uint32{10, 30, 30, 30})
	check("setfsgid to the real gid", e.sys(abi.SYS_SETFSGID, 10), 30, [4]uint32{10, 30, 30, 10})

	b, p := e.buf(12)
	e.want("getresgid", e.sys(abi.SYS_GETRESGID, p, p+4, p+8), 0)
	if u32(b) != 10 || u32(b[4:]) != 30 || u32(b[8:]) != 30 {
		t.Errorf("getresgid %v", b)
	}
	e.want("getresuid", e.sys(abi.SYS_GETRESUID, p, p+4, p+8), 0)
	if u32(b) != 1000 || u32(b[4:]) != 1000 || u32(b[8:]) != 1000 {
		t.Errorf("getresuid %v", b)
	}
	e.want("getresuid EFAULT", e.sys(abi.SYS_GETRESUID, p, 8, p+8), errno(abi.EFAULT))
	e.want("getuid", e.sys(abi.SYS_GETUID), 1000)
	e.want("geteuid", e.sys(abi.SYS_GETEUID), 1000)
	e.want("getgid", e.sys(abi.SYS_GETGID), 10)
	e.want("getegid", e.sys(abi.SYS_GETEGID), 30)
}

func TestGroups(t *testing.T) {
	e := newEnv(t, "")
	in, ip := e.buf(5 * 4)
	for i, g := range []uint32{30, 10, 20, 10, 5} {
		put32(in[4*i:], g)
	}
	e.want("setgroups", e.sys(abi.SYS_SETGROUPS, 5, ip), 0)
	e.want("count", e.sys(abi.SYS_GETGROUPS, 0, 0), 5)
	out, op := e.buf(10 * 4)
	e.want("too small", e.sys(abi.SYS_GETGROUPS, 3, op), errno(abi.EINVAL))
	e.want("negative", e.sys(abi.SYS_GETGROUPS, noID, op), errno(abi.EINVAL))
	e.want("getgroups", e.sys(abi.SYS_GETGROUPS, 10, op), 5)
	for i, g := range []uint32{5, 10, 10, 20, 30} {
		if got := u32(out[4*i:]); got != g {
			t.Errorf("group %d = %d, want %d (sorted)", i, got, g)
		}
	}
	e.want("getgroups EFAULT", e.sys(abi.SYS_GETGROUPS, 10, 8), errno(abi.EFAULT))
	if !e.task.Creds().InGroup(20) {
		t.Error("InGroup(20) after setgroups")
	}
	e.want("too many", e.sys(abi.SYS_SETGROUPS, abi.NGROUPS_MAX+1, ip), errno(abi.EINVAL))
	e.want("negative size", e.sys(abi.SYS_SETGROUPS, noID, ip), errno(abi.EINVAL))
	e.want("unreadable", e.sys(abi.SYS_SETGROUPS, abi.NGROUPS_MAX, 8), errno(abi.EFAULT))
	put32(in[4:], ^uint32(0))
	e.want("invalid gid", e.sys(abi.SYS_SETGROUPS, 2, ip), errno(abi.EINVAL))
	e.want("clear", e.sys(abi.SYS_SETGROUPS, 0, 0), 0)
	e.want("none", e.sys(abi.SYS_GETGROUPS, 0, 0), 0)
	e.want("drop root", e.sys(abi.SYS_SETUID, 1000), 0)
	e.want("unprivileged", e.sys(abi.SYS_SETGROUPS, 1, ip), errno(abi.EPERM))
	e.want("unprivileged, too many", e.sys(abi.SYS_SETGROUPS, abi.NGROUPS_MAX+1, ip), errno(abi.EPERM))
}

// capData lays out two struct __user_cap_data_struct.
func capData(b []byte, eff, perm, inh uint64) {
	for i := 0; i < 2; i++ {
		d := abi.CapUserData{Effective: uint32(eff >> (32 * i)), Permitted: uint32(perm >> (32 * i)), Inheritable: uint32(inh >> (32 * i))}
		d.MarshalTo(b[i*abi.SizeofCapUserData:])
	}
}

func TestCapgetCapset(t *testing.T) {
	e := newEnv(t, "")
	hdr, hp := e.buf(abi.SizeofCapUserHeader)
	data, dp := e.buf(2 * abi.SizeofCapUserData)
	setHdr := func(version uint32, pid int32) {
		(&abi.CapUserHeader{Version: version, Pid: pid}).MarshalTo(hdr)
	}
	getData := func() (eff, perm, inh uint64) {
		for i := 0; i < 2; i++ {
			var d abi.CapUserData
			d.UnmarshalFrom(data[i*abi.SizeofCapUserData:])
			eff |= uint64(d.Effective) << (32 * i)
			perm |= uint64(d.Permitted) << (32 * i)
			inh |= uint64(d.Inheritable) << (32 * i)
		}
		return
	}

	setHdr(0x1234, 0)
	e.want("unknown version", e.sys(abi.SYS_CAPGET, hp, dp), errno(abi.EINVAL))
	e.want("preferred version written", int64(u32(hdr)), abi.LINUX_CAPABILITY_VERSION_3)
	setHdr(0x1234, 0)
	e.want("version probe with NULL data", e.sys(abi.SYS_CAPGET, hp, 0), 0)
	e.want("preferred version written", int64(u32(hdr)), abi.LINUX_CAPABILITY_VERSION_3)
	e.want("unreadable header", e.sys(abi.SYS_CAPGET, 8, dp), errno(abi.EFAULT))
	setHdr(abi.LINUX_CAPABILITY_VERSION_3, -1)
	e.want("negative pid", e.sys(abi.SYS_CAPGET, hp, dp), errno(abi.EINVAL))
	setHdr(abi.LINUX_CAPABILITY_VERSION_3, 12345)
	e.want("no such pid", e.sys(abi.SYS_CAPGET, hp, dp), errno(abi.ESRCH))
	setHdr(abi.LINUX_CAPABILITY_VERSION_3, e.task.TID)
	e.want("own tid", e.sys(abi.SYS_CAPGET, hp, dp), 0)
	if eff, perm, inh := getData(); eff != allCaps || perm != allCaps || inh != 0 {
		t.Errorf("root caps %x %x %x", eff, perm, inh)
	}
	// Version 1 fills one struct.
	for i := range data {
		data[i] = 0xaa
	}
	setHdr(abi.LINUX_CAPABILITY_VERSION_1, 0)
	e.want("v1", e.sys(abi.SYS_CAPGET, hp, dp), 0)
	if u32(data) != uint32(allCaps&0xffffffff) || u32(data[abi.SizeofCapUserData:]) != 0xaaaaaaaa {
		t.Errorf("v1 data %x", data)
	}

	setHdr(abi.LINUX_CAPABILITY_VERSION_3, 0)
	e.want("capset NULL data", e.sys(abi.SYS_CAPSET, hp, 0), errno(abi.EFAULT))
	setHdr(abi.LINUX_CAPABILITY_VERSION_3, 12345)
	e.want("capset another pid", e.sys(abi.SYS_CAPSET, hp, dp), errno(abi.EPERM))
	setHdr(0x1234, 0)
	e.want("capset unknown version", e.sys(abi.SYS_CAPSET, hp, dp), errno(abi.EINVAL))
	e.want("preferred version written", int64(u32(hdr)), abi.LINUX_CAPABILITY_VERSION_3)

	setHdr(abi.LINUX_CAPABILITY_VERSION_3, 0)
	capData(data, allCaps, allCaps, 1<<abi.CAP_CHOWN)
	e.want("raise inheritable", e.sys(abi.SYS_CAPSET, hp, dp), 0)
	capData(data, ^uint64(0), ^uint64(0), 0)
	e.want("unknown bits are masked", e.sys(abi.SYS_CAPSET, hp, dp), 0)
	if c := e.task.Creds(); c.CapEffective != allCaps || c.CapInheritable != 0 {
		t.Errorf("after masking: %x %x", c.CapEffective, c.CapInheritable)
	}
	capData(data, 1<<abi.CAP_KILL, 1<<abi.CAP_KILL|1<<abi.CAP_CHOWN, 0)
	e.want("drop to two", e.sys(abi.SYS_CAPSET, hp, dp), 0)
	capData(data, 1<<abi.CAP_KILL, 1<<abi.CAP_KILL|1<<abi.CAP_SETUID, 0)
	e.want("new permitted", e.sys(abi.SYS_CAPSET, hp, dp), errno(abi.EPERM))
	capData(data, 1<<abi.CAP_SETUID, 1<<abi.CAP_KILL, 0)
	e.want("effective not permitted", e.sys(abi.SYS_CAPSET, hp, dp), errno(abi.EPERM))
	capData(data, 0, 1<<abi.CAP_KILL, 1<<abi.CAP_SETUID)
	e.want("inheritable without CAP_SETPCAP", e.sys(abi.SYS_CAPSET, hp, dp), errno(abi.EPERM))
	capData(data, 0, 1<<abi.CAP_KILL, 1<<abi.CAP_KILL)
	e.want("inheritable from permitted", e.sys(abi.SYS_CAPSET, hp, dp), 0)
	e.want("getcaps", e.sys(abi.SYS_CAPGET, hp, dp), 0)
	if eff, perm, inh := getData(); eff != 0 || perm != 1<<abi.CAP_KILL || inh != 1<<abi.CAP_KILL {
		t.Errorf("caps %x %x %x", eff, perm, inh)
	}
	// Without CAP_SETUID the uid cannot change any more.
	e.want("setuid without CAP_SETUID", e.sys(abi.SYS_SETUID, 1000), errno(abi.EPERM))

	// A version 1 capset clears the upper 32 capabilities.
	e2 := newEnv(t, "")
	hdr2, hp2 := e2.buf(abi.SizeofCapUserHeader)
	d2, dp2 := e2.buf(2 * abi.SizeofCapUserData)
	(&abi.CapUserHeader{Version: abi.LINUX_CAPABILITY_VERSION_1}).MarshalTo(hdr2)
	capData(d2, allCaps, allCaps, 0)
	e2.want("v1 capset", e2.sys(abi.SYS_CAPSET, hp2, dp2), 0)
	if c := e2.task.Creds(); c.CapPermitted != allCaps&0xffffffff {
		t.Errorf("v1 capset permitted %x", c.CapPermitted)
	}
}

func TestCredsArePerProcess(t *testing.T) {
	e := newEnv(t, "")
	t2 := e.newTask()
	t3 := e.newTask()
	e.want("new process", callOn(t3, abi.SYS_NEW_THREAD_GROUP_LEADER, [6]uintptr{}), 0)
	e.want("setuid in pid 1", e.sys(abi.SYS_SETUID, 1000), 0)
	e.want("other thread of pid 1", callOn(t2, abi.SYS_GETEUID, [6]uintptr{}), 1000)
	e.want("the other process keeps root", callOn(t3, abi.SYS_GETEUID, [6]uintptr{}), 0)
	var c *vfs.Creds = t3.Creds()
	if c.CapEffective != allCaps {
		t.Errorf("other process caps %x", c.CapEffective)
	}
	// capget of another task reads that task's process.
	hdr, hp := e.buf(abi.SizeofCapUserHeader)
	data, dp := e.buf(2 * abi.SizeofCapUserData)
	(&abi.CapUserHeader{Version: abi.LINUX_CAPABILITY_VERSION_3, Pid: t3.TID}).MarshalTo(hdr)
	e.want("capget other process", e.sys(abi.SYS_CAPGET, hp, dp), 0)
	if u32(data) != uint32(allCaps&0xffffffff) {
		t.Errorf("capget of pid %d: %x", t3.TID, u32(data))
	}
}
