package ext4

import (
	"fmt"
	"strings"
)

// Superblock feature flags (s_feature_compat, _incompat, _ro_compat).
const (
	compatDirPrealloc  = 0x1
	compatImagicInodes = 0x2
	compatHasJournal   = 0x4
	compatExtAttr      = 0x8
	compatResizeInode  = 0x10
	compatDirIndex     = 0x20
	compatSparseSuper2 = 0x200
	compatFastCommit   = 0x400
	compatStableInodes = 0x800
	compatOrphanFile   = 0x1000

	incompatCompression = 0x1
	incompatFiletype    = 0x2
	incompatRecover     = 0x4
	incompatJournalDev  = 0x8
	incompatMetaBG      = 0x10
	incompatExtents     = 0x40
	incompat64bit       = 0x80
	incompatMMP         = 0x100
	incompatFlexBG      = 0x200
	incompatEAInode     = 0x400
	incompatDirData     = 0x1000
	incompatCsumSeed    = 0x2000
	incompatLargedir    = 0x4000
	incompatInlineData  = 0x8000
	incompatEncrypt     = 0x10000
	incompatCasefold    = 0x20000

	roCompatSparseSuper   = 0x1
	roCompatLargeFile     = 0x2
	roCompatBtreeDir      = 0x4
	roCompatHugeFile      = 0x8
	roCompatGdtCsum       = 0x10
	roCompatDirNlink      = 0x20
	roCompatExtraIsize    = 0x40
	roCompatHasSnapshot   = 0x80
	roCompatQuota         = 0x100
	roCompatBigalloc      = 0x200
	roCompatMetadataCsum  = 0x400
	roCompatReplica       = 0x800
	roCompatReadonly      = 0x1000
	roCompatProject       = 0x2000
	roCompatSharedBlocks  = 0x4000
	roCompatVerity        = 0x8000
	roCompatOrphanPresent = 0x10000
)

// incompatSupported are the incompatible features this driver reads and
// writes. Others refuse the mount.
const incompatSupported = incompatFiletype | incompatRecover | incompatMetaBG |
	incompatExtents | incompat64bit | incompatMMP | incompatFlexBG |
	incompatEAInode | incompatCsumSeed | incompatLargedir | incompatInlineData

// roCompatSupported are the read-only compatible features this driver
// keeps consistent when writing. Others allow read-only mounts only.
const roCompatSupported = roCompatSparseSuper | roCompatLargeFile | roCompatBtreeDir |
	roCompatHugeFile | roCompatGdtCsum | roCompatDirNlink | roCompatExtraIsize |
	roCompatMetadataCsum | roCompatVerity | roCompatOrphanPresent

// Features that ext2 and ext3 mounts accept, as Linux's ext4 driver
// checks when it mounts an image under those type names.
const (
	ext2IncompatSupp = incompatFiletype | incompatMetaBG
	ext2RoCompatSupp = roCompatSparseSuper | roCompatLargeFile | roCompatBtreeDir
	ext3IncompatSupp = incompatFiletype | incompatRecover | incompatMetaBG
	ext3RoCompatSupp = ext2RoCompatSupp
)

var incompatNames = map[uint32]string{
	incompatCompression: "compression", incompatFiletype: "filetype",
	incompatRecover: "needs_recovery", incompatJournalDev: "journal_dev",
	incompatMetaBG: "meta_bg", incompatExtents: "extent", incompat64bit: "64bit",
	incompatMMP: "mmp", incompatFlexBG: "flex_bg", incompatEAInode: "ea_inode",
	incompatDirData: "dirdata", incompatCsumSeed: "metadata_csum_seed",
	incompatLargedir: "large_dir", incompatInlineData: "inline_data",
	incompatEncrypt: "encrypt", incompatCasefold: "casefold",
}

var roCompatNames = map[uint32]string{
	roCompatSparseSuper: "sparse_super", roCompatLargeFile: "large_file",
	roCompatBtreeDir: "btree_dir", roCompatHugeFile: "huge_file",
	roCompatGdtCsum: "uninit_bg", roCompatDirNlink: "dir_nlink",
	roCompatExtraIsize: "extra_isize", roCompatHasSnapshot: "snapshot",
	roCompatQuota: "quota", roCompatBigalloc: "bigalloc",
	roCompatMetadataCsum: "metadata_csum", roCompatReplica: "replica",
	roCompatReadonly: "read-only", roCompatProject: "project",
	roCompatSharedBlocks: "shared_blocks", roCompatVerity: "verity",
	roCompatOrphanPresent: "orphan_present",
}

// featureList names the bits of mask, "FEATURE_I31" style for unknown ones.
func featureList(mask uint32, names map[uint32]string, kind string) string {
	var out []string
	for bit := uint32(1); bit != 0; bit <<= 1 {
		if mask&bit == 0 {
			continue
		}
		if n, ok := names[bit]; ok {
			out = append(out, n)
		} else {
			out = append(out, fmt.Sprintf("FEATURE_%s%d", kind, trailingBit(bit)))
		}
	}
	return strings.Join(out, " ")
}

func trailingBit(b uint32) int {
	n := 0
	for b > 1 {
		b >>= 1
		n++
	}
	return n
}
