package vfs

import "liblinux/abi"

// StatFS implements statfs(2) and fstatfs(2) for the filesystem p is on.
func StatFS(ctx Context, p Path) (abi.Statfs, error) {
	sb := p.D.sb
	var st abi.Statfs
	if s, ok := sb.FS.(StatFSer); ok {
		var err error
		if st, err = s.StatFS(ctx); err != nil {
			return abi.Statfs{}, err
		}
	} else {
		st = abi.Statfs{Type: sb.Magic, Bsize: 4096, Namelen: NameMax}
		if st.Type == 0 {
			st.Type = magics[sb.Type.Name()]
		}
	}
	if st.Namelen == 0 {
		st.Namelen = NameMax
	}
	if st.Frsize == 0 {
		st.Frsize = st.Bsize
	}
	if st.Fsid.Val == [2]int32{} {
		st.Fsid.Val = sb.fsid
	}
	st.Flags = statfsFlags(p.Mnt)
	return st, nil
}

// magics are the f_type of filesystems that leave Superblock.Magic zero.
var magics = map[string]int64{
	"proc":     abi.PROC_SUPER_MAGIC,
	"sysfs":    abi.SYSFS_MAGIC,
	"tmpfs":    abi.TMPFS_MAGIC,
	"devtmpfs": abi.TMPFS_MAGIC,
	"ramfs":    abi.RAMFS_MAGIC,
	"devpts":   abi.DEVPTS_SUPER_MAGIC,
	"ext4":     abi.EXT4_SUPER_MAGIC,
	"ext3":     abi.EXT4_SUPER_MAGIC,
	"ext2":     abi.EXT4_SUPER_MAGIC,
	"vfat":     abi.MSDOS_SUPER_MAGIC,
	"cgroup2":  abi.CGROUP2_SUPER_MAGIC,
	"debugfs":  abi.DEBUGFS_MAGIC,
}

// statfsFlags is Linux's calculate_f_flags: ST_VALID and the ST_* bits of
// the mount's and the superblock's flags.
func statfsFlags(m *Mount) int64 {
	f := int64(abi.ST_VALID)
	mf, sf := m.flags.Load(), m.sb.Flags()
	for _, b := range []struct {
		ms uint64
		st int64
	}{
		{abi.MS_NOSUID, abi.ST_NOSUID}, {abi.MS_NODEV, abi.ST_NODEV}, {abi.MS_NOEXEC, abi.ST_NOEXEC},
		{abi.MS_NOATIME, abi.ST_NOATIME}, {abi.MS_NODIRATIME, abi.ST_NODIRATIME},
		{abi.MS_RELATIME, abi.ST_RELATIME}, {abi.MS_NOSYMFOLLOW, abi.ST_NOSYMFOLLOW},
	} {
		if mf&b.ms != 0 {
			f |= b.st
		}
	}
	if m.ReadOnly() {
		f |= abi.ST_RDONLY
	}
	if sf&abi.MS_SYNCHRONOUS != 0 {
		f |= abi.ST_SYNCHRONOUS
	}
	if sf&abi.MS_MANDLOCK != 0 {
		f |= abi.ST_MANDLOCK
	}
	return f
}

// SyncFS writes back the filesystem p is on (syncfs(2)).
func SyncFS(ctx Context, sb *Superblock) error {
	if s, ok := sb.FS.(FSSyncer); ok {
		return s.SyncFS(ctx)
	}
	return nil
}

// SyncAll writes back every mounted filesystem (sync(2)). Errors are not
// reported, as sync(2) reports none.
func (v *VFS) SyncAll(ctx Context) {
	v.mountMu.RLock()
	seen := make(map[*Superblock]bool)
	var sbs []*Superblock
	for _, m := range v.all {
		if !seen[m.sb] {
			seen[m.sb] = true
			sbs = append(sbs, m.sb)
		}
	}
	v.mountMu.RUnlock()
	for _, sb := range sbs {
		SyncFS(ctx, sb)
	}
}
