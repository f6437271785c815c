package kernel

import (
	"slices"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// Credentials belong to the thread group in liblinux: set*id(2) changes
// them for every task of the process at once. Linux keeps them per thread,
// but glibc and musl apply set*id to all threads of a process anyway
// (through a signal to each), so programs see the same result.
//
// The capability rules are Linux's (kernel/sys.c, security/commoncap.c)
// with the securebits at their default of 0 (no SECBIT_KEEP_CAPS, no
// SECBIT_NO_SETUID_FIXUP), the bounding set full and the ambient set
// empty: liblinux has no prctl(2) controls for them, so they never change.

// noID is (uid_t)-1 / (gid_t)-1: "unchanged" for set*id, invalid as an id.
const noID = ^uint32(0)

// capValid is the mask of capabilities the kernel knows (CAP_VALID_MASK).
const capValid = uint64(1)<<(abi.CAP_LAST_CAP+1) - 1

// capFSSet are the capabilities that follow the filesystem uid between 0
// and non-zero (CAP_FS_SET): CAP_CHOWN, CAP_DAC_OVERRIDE,
// CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_FSETID, CAP_LINUX_IMMUTABLE,
// CAP_MKNOD and CAP_MAC_OVERRIDE.
const capFSSet = 1<<abi.CAP_CHOWN | 1<<abi.CAP_DAC_OVERRIDE | 1<<abi.CAP_DAC_READ_SEARCH |
	1<<abi.CAP_FOWNER | 1<<abi.CAP_FSETID | 1<<abi.CAP_LINUX_IMMUTABLE | 1<<abi.CAP_MKNOD |
	1<<abi.CAP_MAC_OVERRIDE

// UpdateCreds replaces the group's credentials with fn's result, holding
// the group's lock so that concurrent set*id calls are serialised. fn gets the
// current credentials (never to be modified) and returns new ones, or
// nil to keep them; it must not block.
func (g *ThreadGroup) UpdateCreds(fn func(old *vfs.Creds) (*vfs.Creds, error)) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	n, err := fn(g.creds.Load())
	if err != nil {
		return err
	}
	if n != nil {
		g.creds.Store(n)
	}
	return nil
}

func cloneCreds(c *vfs.Creds) *vfs.Creds {
	n := *c
	return &n
}

// fixSetuidCaps adjusts capabilities after a change of uids, as Linux's
// cap_emulate_setxuid(): leaving uid 0 in all of the real, effective and
// saved uids clears the permitted and effective sets; the effective set
// is cleared when the euid leaves 0 and refilled from the permitted set
// when it comes back.
func fixSetuidCaps(n, old *vfs.Creds) {
	if (old.UID == 0 || old.EUID == 0 || old.SUID == 0) && n.UID != 0 && n.EUID != 0 && n.SUID != 0 {
		n.CapPermitted = 0
		n.CapEffective = 0
	}
	if old.EUID == 0 && n.EUID != 0 {
		n.CapEffective = 0
	}
	if old.EUID != 0 && n.EUID == 0 {
		n.CapEffective = n.CapPermitted
	}
}

// fixFSUIDCaps adjusts the effective set after a change of the fsuid
// alone (setfsuid(2)).
func fixFSUIDCaps(n, old *vfs.Creds) {
	if old.FSUID == 0 && n.FSUID != 0 {
		n.CapEffective &^= capFSSet
	}
	if old.FSUID != 0 && n.FSUID == 0 {
		n.CapEffective |= n.CapPermitted & capFSSet
	}
}

// Setuid implements setuid(2).
func (g *ThreadGroup) Setuid(uid uint32) error {
	if uid == noID {
		return abi.EINVAL
	}
	return g.UpdateCreds(func(old *vfs.Creds) (*vfs.Creds, error) {
		n := cloneCreds(old)
		switch {
		case old.HasCap(abi.CAP_SETUID):
			n.UID, n.SUID = uid, uid
		case uid != old.UID && uid != old.SUID:
			return nil, abi.EPERM
		}
		n.EUID, n.FSUID = uid, uid
		fixSetuidCaps(n, old)
		return n, nil
	})
}

// Setreuid implements setreuid(2); noID leaves an id unchanged.
func (g *ThreadGroup) Setreuid(ruid, euid uint32) error {
	return g.UpdateCreds(func(old *vfs.Creds) (*vfs.Creds, error) {
		n := cloneCreds(old)
		priv := old.HasCap(abi.CAP_SETUID)
		if ruid != noID {
			if ruid != old.UID && ruid != old.EUID && !priv {
				return nil, abi.EPERM
			}
			n.UID = ruid
		}
		if euid != noID {
			if euid != old.UID && euid != old.EUID && euid != old.SUID && !priv {
				return nil, abi.EPERM
			}
			n.EUID = euid
		}
		if ruid != noID || (euid != noID && euid != old.UID) {
			n.SUID = n.EUID
		}
		n.FSUID = n.EUID
		fixSetuidCaps(n, old)
		return n, nil
	})
}

// Setresuid implements setresuid(2); noID leaves an id unchanged.
func (g *ThreadGroup) Setresuid(ruid, euid, suid uint32) error {
	return g.UpdateCreds(func(old *vfs.Creds) (*vfs.Creds, error) {
		if (ruid == noID || ruid == old.UID) &&
			(euid == noID || (euid == old.EUID && euid == old.FSUID)) &&
			(suid == noID || suid == old.SUID) {
			return nil, nil
		}
		isNew := func(id uint32) bool {
			return id != noID && id != old.UID && id != old.EUID && id != old.SUID
		}
		if (isNew(ruid) || isNew(euid) || isNew(suid)) && !old.HasCap(abi.CAP_SETUID) {
			return nil, abi.EPERM
		}
		n := cloneCreds(old)
		if ruid != noID {
			n.UID = ruid
		}
		if euid != noID {
			n.EUID = euid
		}
		if suid != noID {
			n.SUID = suid
		}
		n.FSUID = n.EUID
		fixSetuidCaps(n, old)
		return n, nil
	})
}

// Setfsuid implements setfsuid(2): it returns the previous fsuid whether
// or not the change was allowed.
func (g *ThreadGroup) Setfsuid(uid uint32) uint32 {
	var prev uint32
	g.UpdateCreds(func(old *vfs.Creds) (*vfs.Creds, error) {
		prev = old.FSUID
		if uid == noID || uid == old.FSUID {
			return nil, nil
		}
		if uid != old.UID && uid != old.EUID && uid != old.SUID && !old.HasCap(abi.CAP_SETUID) {
			return nil, nil
		}
		n := cloneCreds(old)
		n.FSUID = uid
		fixFSUIDCaps(n, old)
		return n, nil
	})
	return prev
}

// Setgid implements setgid(2).
func (g *ThreadGroup) Setgid(gid uint32) error {
	if gid == noID {
		return abi.EINVAL
	}
	return g.UpdateCreds(func(old *vfs.Creds) (*vfs.Creds, error) {
		n := cloneCreds(old)
		switch {
		case old.HasCap(abi.CAP_SETGID):
			n.GID, n.EGID, n.SGID, n.FSGID = gid, gid, gid, gid
		case gid == old.GID || gid == old.SGID:
			n.EGID, n.FSGID = gid, gid
		default:
			return nil, abi.EPERM
		}
		return n, nil
	})
}

// Setregid implements setregid(2); noID leaves an id unchanged.
func (g *ThreadGroup) Setregid(rgid, egid uint32) error {
	return g.UpdateCreds(func(old *vfs.Creds) (*vfs.Creds, error) {
		n := cloneCreds(old)
		priv := old.HasCap(abi.CAP_SETGID)
		if rgid != noID {
			if rgid != old.GID && rgid != old.EGID && !priv {
				return nil, abi.EPERM
			}
			n.GID = rgid
		}
		if egid != noID {
			if egid != old.GID && egid != old.EGID && egid != old.SGID && !priv {
				return nil, abi.EPERM
			}
			n.EGID = egid
		}
		if rgid != noID || (egid != noID && egid != old.GID) {
			n.SGID = n.EGID
		}
		n.FSGID = n.EGID
		return n, nil
	})
}

// Setresgid implements setresgid(2); noID leaves an id unchanged.
func (g *ThreadGroup) Setresgid(rgid, egid, sgid uint32) error {
	return g.UpdateCreds(func(old *vfs.Creds) (*vfs.Creds, error) {
		if (rgid == noID || rgid == old.GID) &&
			(egid == noID || (egid == old.EGID && egid == old.FSGID)) &&
			(sgid == noID || sgid == old.SGID) {
			return nil, nil
		}
		isNew := func(id uint32) bool {
			return id != noID && id != old.GID && id != old.EGID && id != old.SGID
		}
		if (isNew(rgid) || isNew(egid) || isNew(sgid)) && !old.HasCap(abi.CAP_SETGID) {
			return nil, abi.EPERM
		}
		n := cloneCreds(old)
		if rgid != noID {
			n.GID = rgid
		}
		if egid != noID {
			n.EGID = egid
		}
		if sgid != noID {
			n.SGID = sgid
		}
		n.FSGID = n.EGID
		return n, nil
	})
}

// Setfsgid implements setfsgid(2): it returns the previous fsgid.
func (g *ThreadGroup) Setfsgid(gid uint32) uint32 {
	var prev uint32
	g.UpdateCreds(func(old *vfs.Creds) (*vfs.Creds, error) {
		prev = old.FSGID
		if gid == noID || gid == old.FSGID {
			return nil, nil
		}
		if gid != old.GID && gid != old.EGID && gid != old.SGID && !old.HasCap(abi.CAP_SETGID) {
			return nil, nil
		}
		n := cloneCreds(old)
		n.FSGID = gid
		return n, nil
	})
	return prev
}

// Setgroups implements setgroups(2) once the list is read: EPERM without
// CAP_SETGID, EINVAL for an invalid gid. The list is kept sorted, as
// Linux's groups_sort() leaves it (getgroups returns it in that order).
func (g *ThreadGroup) Setgroups(groups []uint32) error {
	if slices.Contains(groups, noID) {
		return abi.EINVAL
	}
	sorted := slices.Clone(groups)
	slices.Sort(sorted)
	return g.UpdateCreds(func(old *vfs.Creds) (*vfs.Creds, error) {
		if !old.HasCap(abi.CAP_SETGID) {
			return nil, abi.EPERM
		}
		n := cloneCreds(old)
		n.Groups = sorted
		return n, nil
	})
}

// Capset implements capset(2) for the calling process once the sets are
// read (and masked to the known capabilities), with Linux's
// cap_capset() rules:
//
//   - EPERM: a new inheritable capability outside the old inheritable and
//     permitted sets without CAP_SETPCAP, a new permitted capability, or
//     an effective capability that is not permitted.
func (g *ThreadGroup) Capset(effective, permitted, inheritable uint64) error {
	return g.UpdateCreds(func(old *vfs.Creds) (*vfs.Creds, error) {
		if !old.HasCap(abi.CAP_SETPCAP) && inheritable&^(old.CapInheritable|old.CapPermitted) != 0 {
			return nil, abi.EPERM
		}
		if permitted&^old.CapPermitted != 0 || effective&^permitted != 0 {
			return nil, abi.EPERM
		}
		n := cloneCreds(old)
		n.CapEffective = effective & capValid
		n.CapPermitted = permitted & capValid
		n.CapInheritable = inheritable & capValid
		return n, nil
	})
}
