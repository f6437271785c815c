/*
 * Host disks: lkl_disk_add before and after boot with the default
 * file-backed ops, partition numbering, device numbers as LKL names them
 * (sysfs and lkl_get_virtio_blkdev), the block device node, an ext4 image
 * mounted with lkl_mount_dev and used, exclusive holds of devices (O_EXCL
 * and mounts), removal, and an image that e2fsck finds clean after halt.
 *
 * usage: disk PARTED_IMAGE EXT4_IMAGE
 *   PARTED_IMAGE  an image with two MBR partitions
 *   EXT4_IMAGE    a fresh mkfs.ext4 image
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#include "test.h"

static void quiet(const char *s, int n) { (void)s; (void)n; }

/* read_file reads a small file of the kernel into buf (NUL-terminated). */
static long read_file(const char *path, char *buf, long size)
{
	long fd = lkl_sys_open(path, LKL_O_RDONLY, 0), n;

	if (fd < 0)
		return fd;
	n = lkl_sys_read(fd, buf, size - 1);
	lkl_sys_close(fd);
	buf[n > 0 ? n : 0] = 0;
	return n;
}

/* pattern fills buf with bytes that differ from block to block. */
static void pattern(unsigned char *buf, long n, unsigned int seed)
{
	long i;

	for (i = 0; i < n; i++)
		buf[i] = (unsigned char)(i * 31 + i / 4096 + seed);
}

static char data[204800], back[204800];

/* use_fs makes, reads and changes files on the ext4 mount at mnt. */
static void use_fs(const char *mnt)
{
	char path[64], path2[64], link[64], target[64];
	struct lkl_statfs sfs;
	struct lkl_stat st;
	struct lkl_dir *dir;
	struct lkl_linux_dirent64 *de;
	long fd, n, got;
	int err = 0, names = 0;

	snprintf(path, sizeof(path), "%s/dir", mnt);
	CHECK_EQ("mkdir on ext4", lkl_sys_mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/dir/file", mnt);
	fd = lkl_sys_open(path, LKL_O_CREAT | LKL_O_EXCL | LKL_O_WRONLY, 0640);
	CHECK("create a file on ext4", fd >= 0, "got %ld", fd);
	pattern((unsigned char *)data, sizeof(data), 7);
	CHECK_EQ("write 200 KiB", lkl_sys_write(fd, data, sizeof(data)), sizeof(data));
	CHECK_EQ("fsync", lkl_sys_fsync(fd), 0);
	CHECK_EQ("close", lkl_sys_close(fd), 0);
	CHECK_EQ("stat the file", lkl_sys_stat(path, &st), 0);
	CHECK_EQ("size", st.st_size, sizeof(data));
	CHECK_EQ("mode", st.st_mode, LKL_S_IFREG | 0640);
	CHECK_EQ("st_dev is the disk", st.st_dev, 254 << 8);
	fd = lkl_sys_open(path, LKL_O_RDONLY, 0);
	CHECK("open it again", fd >= 0, "got %ld", fd);
	for (got = 0; got < (long)sizeof(back); got += n) {
		n = lkl_sys_read(fd, back + got, sizeof(back) - got);
		if (n <= 0)
			break;
	}
	CHECK_EQ("read it back", got, sizeof(back));
	CHECK("the same bytes", !memcmp(data, back, sizeof(data)), "contents differ");
	CHECK_EQ("read at the end", lkl_sys_read(fd, back, 1), 0);
	lkl_sys_close(fd);

	snprintf(path2, sizeof(path2), "%s/dir/renamed", mnt);
	CHECK_EQ("rename", lkl_sys_rename(path, path2), 0);
	CHECK_EQ("old name is gone", lkl_sys_stat(path, &st), -LKL_ENOENT);
	snprintf(link, sizeof(link), "%s/dir/link", mnt);
	CHECK_EQ("symlink", lkl_sys_symlink("renamed", link), 0);
	n = lkl_sys_readlink(link, target, sizeof(target));
	CHECK("readlink", n == 7 && !memcmp(target, "renamed", 7), "got %ld", n);
	CHECK_EQ("stat through the link", lkl_sys_stat(link, &st), 0);
	CHECK_EQ("link leads to the file", st.st_size, sizeof(data));
	snprintf(path, sizeof(path), "%s/gone", mnt);
	fd = lkl_sys_open(path, LKL_O_CREAT | LKL_O_WRONLY, 0600);
	lkl_sys_close(fd);
	CHECK_EQ("unlink", lkl_sys_unlink(path), 0);

	dir = lkl_opendir(mnt, &err);
	CHECK("opendir the mount", dir != NULL && err == 0, "err %d", err);
	while (dir && (de = lkl_readdir(dir)) != NULL)
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, "lost+found") || !strcmp(de->d_name, "dir"))
			names++;
		else
			names += 100;
	CHECK_EQ("readdir: . .. lost+found dir", names, 4);
	if (dir)
		CHECK_EQ("closedir", lkl_closedir(dir), 0);
	CHECK_EQ("statfs", lkl_sys_statfs(mnt, &sfs), 0);
	CHECK_EQ("f_type is ext4", sfs.f_type, LKL_EXT4_SUPER_MAGIC);
}

/* check_direct checks O_DIRECT on a block device: the position, the
 * length and the buffer must be multiples of the 512-byte logical block
 * size (EINVAL otherwise), as Linux's blkdev_dio_invalid says. */
static void check_direct(void)
{
	static char raw[8192] __attribute__((aligned(4096)));
	char magic[2] = { 0, 0 };
	long fd = lkl_sys_open("/dev/vda", LKL_O_RDONLY | LKL_O_DIRECT, 0);

	CHECK("open /dev/vda O_DIRECT", fd >= 0, "got %ld", fd);
	CHECK_EQ("aligned O_DIRECT read", lkl_sys_pread64(fd, raw, 1536, 0), 1536);
	memcpy(magic, raw + 1080, 2);
	CHECK_EQ("it reads the superblock magic", (unsigned char)magic[0] | (unsigned char)magic[1] << 8, 0xEF53);
	CHECK_EQ("O_DIRECT read at an unaligned position", lkl_sys_pread64(fd, raw, 512, 100), -LKL_EINVAL);
	CHECK_EQ("O_DIRECT read of an unaligned length", lkl_sys_pread64(fd, raw, 100, 0), -LKL_EINVAL);
	CHECK_EQ("O_DIRECT read into an unaligned buffer", lkl_sys_pread64(fd, raw + 1, 512, 0), -LKL_EINVAL);
	CHECK_EQ("buffered again (F_SETFL): any alignment", lkl_sys_fcntl(fd, LKL_F_SETFL, 0), 0);
	CHECK_EQ("unaligned buffered read", lkl_sys_pread64(fd, raw + 1, 100, 100), 100);
	CHECK_EQ("close", lkl_sys_close(fd), 0);
}

/* check_blockdev reads /dev/vda, the whole ext4 image. */
static void check_blockdev(long long size)
{
	char magic[2] = { 0, 0 };
	unsigned long long bytes = 0;
	int ssz = 0;
	long fd = lkl_sys_open("/dev/vda", LKL_O_RDONLY, 0);

	CHECK("open /dev/vda", fd >= 0, "got %ld", fd);
	CHECK_EQ("read the superblock magic at 1080", lkl_sys_pread64(fd, magic, 2, 1080), 2);
	CHECK_EQ("magic is 0xEF53", (unsigned char)magic[0] | (unsigned char)magic[1] << 8, 0xEF53);
	CHECK_EQ("BLKGETSIZE64", lkl_sys_ioctl(fd, LKL_BLKGETSIZE64, (long)&bytes), 0);
	CHECK_EQ("BLKGETSIZE64 is the image size", bytes, size);
	CHECK_EQ("BLKSSZGET", lkl_sys_ioctl(fd, LKL_BLKSSZGET, (long)&ssz), 0);
	CHECK_EQ("sector size 512", ssz, 512);
	CHECK_EQ("close /dev/vda", lkl_sys_close(fd), 0);
	check_direct();
}

/* check_claims checks exclusive holds on block devices (Linux's
 * bd_holder), with the ext4 disk mounted at mnt: open(2) with O_EXCL of a
 * device in use gives EBUSY; a second mount(2) of a device is the
 * filesystem already mounted from it, unless the read-only state or the
 * type differs (EBUSY); a held partition holds its whole disk. */
static void check_claims(const char *mnt)
{
	struct lkl_stat a, b;
	char path[64];
	long fd, fd2;

	fd = lkl_sys_open("/dev/vda", LKL_O_RDONLY, 0);
	CHECK("plain open of a mounted device", fd >= 0, "got %ld", fd);
	lkl_sys_close(fd);
	CHECK_EQ("O_EXCL open of a mounted device", lkl_sys_open("/dev/vda", LKL_O_RDONLY | LKL_O_EXCL, 0),
		 -LKL_EBUSY);

	CHECK_EQ("mkdir /again", lkl_sys_mkdir("/again", 0755), 0);
	CHECK_EQ("mkdir /other", lkl_sys_mkdir("/other", 0755), 0);
	CHECK_EQ("mount the device a second time", lkl_sys_mount("/dev/vda", "/again", "ext4", 0, NULL), 0);
	fd = lkl_sys_open("/again/claims", LKL_O_CREAT | LKL_O_WRONLY, 0644);
	CHECK("create through the second mount", fd >= 0, "got %ld", fd);
	lkl_sys_close(fd);
	snprintf(path, sizeof(path), "%s/claims", mnt);
	CHECK_EQ("stat through the first mount", lkl_sys_stat(path, &a), 0);
	CHECK_EQ("stat through the second", lkl_sys_stat("/again/claims", &b), 0);
	CHECK("one filesystem: same st_dev and st_ino", a.st_dev == b.st_dev && a.st_ino == b.st_ino,
	      "%llu:%llu vs %llu:%llu", (unsigned long long)a.st_dev, (unsigned long long)a.st_ino,
	      (unsigned long long)b.st_dev, (unsigned long long)b.st_ino);
	CHECK_EQ("read-only mount of a device mounted read-write",
		 lkl_sys_mount("/dev/vda", "/other", "ext4", LKL_MS_RDONLY, NULL), -LKL_EBUSY);
	CHECK_EQ("ext2 mount of a device ext4 holds", lkl_sys_mount("/dev/vda", "/other", "ext2", 0, NULL),
		 -LKL_EBUSY);
	CHECK_EQ("unlink through the first mount", lkl_sys_unlink(path), 0);
	CHECK_EQ("umount the second mount", lkl_sys_umount("/again", 0), 0);
	CHECK_EQ("the first mount still works", lkl_sys_access(mnt, 0 /* F_OK */), 0);

	fd = lkl_sys_open("/dev/vdb1", LKL_O_RDONLY | LKL_O_EXCL, 0);
	CHECK("O_EXCL open of a free partition", fd >= 0, "got %ld", fd);
	CHECK_EQ("O_EXCL open of it again", lkl_sys_open("/dev/vdb1", LKL_O_RDONLY | LKL_O_EXCL, 0), -LKL_EBUSY);
	CHECK_EQ("O_EXCL open of its whole disk", lkl_sys_open("/dev/vdb", LKL_O_RDONLY | LKL_O_EXCL, 0),
		 -LKL_EBUSY);
	fd2 = lkl_sys_open("/dev/vdb2", LKL_O_RDONLY | LKL_O_EXCL, 0);
	CHECK("O_EXCL open of the other partition", fd2 >= 0, "got %ld", fd2);
	CHECK_EQ("mount of a partition an O_EXCL open holds",
		 lkl_sys_mount("/dev/vdb1", "/other", "ext4", 0, NULL), -LKL_EBUSY);
	CHECK_EQ("close the first", lkl_sys_close(fd), 0);
	CHECK_EQ("close the second", lkl_sys_close(fd2), 0);
	fd = lkl_sys_open("/dev/vdb", LKL_O_RDONLY | LKL_O_EXCL, 0);
	CHECK("O_EXCL open of the whole disk once its partitions are free", fd >= 0, "got %ld", fd);
	lkl_sys_close(fd);
	lkl_sys_rmdir("/again");
	lkl_sys_rmdir("/other");
}

/* check_lazy checks that a filesystem a lazy unmount (MNT_DETACH) left to
 * an open file can be mounted again, and that the new mount is the same
 * filesystem, as Linux's sget finds the superblock still active: the new
 * mount reads what the old descriptor writes. mnt, the only mount of the
 * ext4 disk, is mounted again in its place for lkl_umount_dev. */
static void check_lazy(const char *mnt)
{
	struct lkl_stat a, b;
	char path[64], buf[16];
	long fd, fd2;

	snprintf(path, sizeof(path), "%s/lazy", mnt);
	fd = lkl_sys_open(path, LKL_O_CREAT | LKL_O_RDWR | LKL_O_TRUNC, 0644);
	CHECK("create a file to keep open", fd >= 0, "got %ld", fd);
	CHECK_EQ("write before", lkl_sys_write(fd, "before", 6), 6);
	CHECK_EQ("lazy umount with the file open", lkl_sys_umount(mnt, LKL_MNT_DETACH), 0);
	CHECK_EQ("the file is gone from the tree", lkl_sys_access(path, 0 /* F_OK */), -LKL_ENOENT);
	CHECK_EQ("mount the device again", lkl_sys_mount("/dev/vda", (char *)mnt, "ext4", 0, NULL), 0);
	CHECK_EQ("write after, through the old descriptor", lkl_sys_write(fd, "after", 5), 5);
	fd2 = lkl_sys_open(path, LKL_O_RDONLY, 0);
	CHECK("open through the new mount", fd2 >= 0, "got %ld", fd2);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ("read through the new mount", lkl_sys_read(fd2, buf, sizeof(buf)), 11);
	CHECK("it has the old descriptor's writes", !memcmp(buf, "beforeafter", 11), "got \"%.11s\"", buf);
	CHECK_EQ("fstat the old descriptor", lkl_sys_fstat(fd, &a), 0);
	CHECK_EQ("fstat the new one", lkl_sys_fstat(fd2, &b), 0);
	CHECK("one filesystem: same st_dev and st_ino", a.st_dev == b.st_dev && a.st_ino == b.st_ino,
	      "%llu:%llu vs %llu:%llu", (unsigned long long)a.st_dev, (unsigned long long)a.st_ino,
	      (unsigned long long)b.st_dev, (unsigned long long)b.st_ino);
	CHECK_EQ("close the new descriptor", lkl_sys_close(fd2), 0);
	CHECK_EQ("close the old one", lkl_sys_close(fd), 0);
	CHECK_EQ("unlink", lkl_sys_unlink(path), 0);
}

/* host_check runs a shell command on the host; 0 when it succeeds. */
static int host_check(const char *fmt, const char *arg)
{
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd), fmt, arg);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(int argc, char **argv)
{
	struct lkl_disk parted, ext4, hot;
	struct stat hst;
	char buf[64], mnt[32];
	uint32_t dev;
	int id0, id1, id2;
	long fd;

	if (argc != 3) {
		fprintf(stderr, "usage: disk PARTED_IMAGE EXT4_IMAGE\n");
		return 2;
	}
	ext4.fd = open(argv[2], O_RDWR);
	ext4.ops = NULL;
	CHECK("open the ext4 image", ext4.fd >= 0 && fstat(ext4.fd, &hst) == 0, "cannot open %s", argv[2]);
	parted.fd = open(argv[1], O_RDWR);
	parted.ops = NULL;
	hot = parted;
	CHECK("open the partitioned image", parted.fd >= 0, "cannot open %s", argv[1]);
	lkl_host_ops.print = quiet;
	CHECK_EQ("init", lkl_init(&lkl_host_ops), 0);
	id0 = lkl_disk_add(&ext4);
	CHECK_EQ("disk_add before boot: first id", id0, 0);
	id1 = lkl_disk_add(&parted);
	CHECK_EQ("disk_add before boot: second id", id1, 1);
	CHECK_EQ("start", lkl_start_kernel("mem=32M"), 0);

	/* sysfs, mounted by LKL's helper at /sysfs. */
	CHECK_EQ("mount sysfs", lkl_mount_fs("sysfs"), 0);
	CHECK_EQ("read /sysfs/block/vda/dev", read_file("/sysfs/block/vda/dev", buf, sizeof(buf)), 6);
	CHECK("vda is 254:0", !strcmp(buf, "254:0\n"), "got \"%s\"", buf);
	read_file("/sysfs/block/vdb/dev", buf, sizeof(buf));
	CHECK("vdb is 254:16", !strcmp(buf, "254:16\n"), "got \"%s\"", buf);
	read_file("/sysfs/block/vdb/vdb2/dev", buf, sizeof(buf));
	CHECK("vdb2 is 254:18", !strcmp(buf, "254:18\n"), "got \"%s\"", buf);
	CHECK_EQ("encode_dev_from_sysfs vda", lkl_encode_dev_from_sysfs("/sysfs/block/vda/dev", &dev), 0);
	CHECK_EQ("encoded vda", dev, 254 << 8);
	CHECK_EQ("encode_dev_from_sysfs vdb1", lkl_encode_dev_from_sysfs("/sysfs/block/vdb/vdb1/dev", &dev), 0);
	CHECK_EQ("encoded vdb1", dev, (254 << 8) | 17);
	CHECK_EQ("encode_dev_from_sysfs of a missing file",
		 lkl_encode_dev_from_sysfs("/sysfs/block/vdz/dev", &dev), -LKL_ENOENT);

	/* Device numbers as lkl_get_virtio_blkdev finds them. */
	CHECK_EQ("ext4 disk", lkl_get_virtio_blkdev(id0, 0, &dev), 0);
	CHECK_EQ("ext4 disk is 254:0", dev, 254 << 8);
	CHECK_EQ("whole partitioned disk", lkl_get_virtio_blkdev(id1, 0, &dev), 0);
	CHECK_EQ("whole partitioned disk is 254:16", dev, (254 << 8) | 16);
	CHECK_EQ("partition 1", lkl_get_virtio_blkdev(id1, 1, &dev), 0);
	CHECK_EQ("partition 1 is 254:17", dev, (254 << 8) | 17);
	CHECK_EQ("partition 2", lkl_get_virtio_blkdev(id1, 2, &dev), 0);
	CHECK_EQ("partition 2 is 254:18", dev, (254 << 8) | 18);
	CHECK_EQ("no partition 3", lkl_get_virtio_blkdev(id1, 3, &dev), -LKL_ENOENT);

	/* Hot-plug and removal. */
	id2 = lkl_disk_add(&hot);
	CHECK_EQ("disk_add after boot", id2, 2);
	CHECK_EQ("hot-plugged disk", lkl_get_virtio_blkdev(id2, 0, &dev), 0);
	CHECK_EQ("hot-plugged disk is 254:32", dev, (254 << 8) | 32);
	read_file("/sysfs/devices/platform/virtio-mmio.0.auto/virtio2/block/vdc/dev", buf, sizeof(buf));
	CHECK("hot-plugged: a platform device, as LKL", !strcmp(buf, "254:32\n"), "got \"%s\"", buf);
	fd = lkl_sys_open("/dev/vdc", LKL_O_RDONLY | LKL_O_EXCL, 0);
	CHECK("O_EXCL open of the hot-plugged disk", fd >= 0, "got %ld", fd);
	CHECK_EQ("remove a disk an O_EXCL open holds", lkl_disk_remove(hot), -LKL_EBUSY);
	CHECK_EQ("close it", lkl_sys_close(fd), 0);
	fd = lkl_sys_open("/dev/vdc", LKL_O_RDONLY, 0);
	CHECK("plain open of the hot-plugged disk", fd >= 0, "got %ld", fd);
	CHECK_EQ("remove the hot-plugged disk", lkl_disk_remove(hot), 0);
	CHECK_EQ("read a removed disk", lkl_sys_pread64(fd, buf, sizeof(buf), 0), -LKL_EIO);
	CHECK_EQ("close the removed disk", lkl_sys_close(fd), 0);
	CHECK_EQ("removed disk is gone", lkl_get_virtio_blkdev(id2, 0, &dev), -LKL_ENOENT);
	CHECK_EQ("remove twice", lkl_disk_remove(hot), -LKL_EINVAL);

	/* The block device node and the filesystem on it. */
	check_blockdev(hst.st_size);
	CHECK_EQ("mount_dev needs room for the path", lkl_mount_dev(id0, 0, "ext4", 0, NULL, (char[8]){ 0 }, 8),
		 -LKL_ENOMEM);
	memset(mnt, 'x', sizeof(mnt));
	CHECK_EQ("mount_dev ext4", lkl_mount_dev(id0, 0, "ext4", 0, NULL, mnt, sizeof(mnt)), 0);
	CHECK("mounted at /mnt/0000fe00", !strcmp(mnt, "/mnt/0000fe00"), "got \"%.31s\"", mnt);
	CHECK_EQ("the device node /dev/0000fe00", lkl_sys_access("/dev/0000fe00", 0 /* F_OK */), 0);
	use_fs(mnt);
	check_claims(mnt);
	check_lazy(mnt);
	CHECK_EQ("remove a disk a filesystem is mounted from", lkl_disk_remove(ext4), -LKL_EBUSY);
	CHECK_EQ("umount_dev", lkl_umount_dev(id0, 0, 0, 1000), 0);
	CHECK_EQ("mount point removed", lkl_sys_access("/mnt/0000fe00", 0 /* F_OK */), -LKL_ENOENT);
	CHECK_EQ("device node removed", lkl_sys_access("/dev/0000fe00", 0 /* F_OK */), -LKL_ENOENT);
	CHECK_EQ("umount_dev again", lkl_umount_dev(id0, 0, 0, 1000), -LKL_ENOENT);

	CHECK_EQ("halt", lkl_sys_halt(), 0);
	lkl_cleanup();
	CHECK_EQ("remove the ext4 disk after halt", lkl_disk_remove(ext4), 0);
	CHECK_EQ("remove the partitioned disk after halt", lkl_disk_remove(parted), 0);
	close(parted.fd);
	close(ext4.fd);

	/* What the host's tools see in the image. */
	CHECK_EQ("e2fsck -fn is clean", host_check("e2fsck -fn %s >/dev/null 2>&1", argv[2]), 0);
	CHECK_EQ("debugfs sees the renamed file",
		 host_check("debugfs -R 'stat /dir/renamed' %s 2>/dev/null | grep -q 'Size: 204800'", argv[2]), 0);
	CHECK_EQ("debugfs sees the symlink",
		 host_check("debugfs -R 'stat /dir/link' %s 2>/dev/null | grep -q 'Fast link dest: \"renamed\"'",
			    argv[2]),
		 0);
	return test_done();
}
