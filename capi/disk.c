/*
 * Block devices: lkl_disk_add/lkl_disk_remove keep the host's disks in a
 * table that the Go kernel reads and writes through (liblinux_disk_*), and
 * LKL's helpers that name, mount and unmount them (/dev/%08x, /mnt/%08x).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include <lkl.h>
#include <lkl_host.h>

#include "entry.h"
#include "_cgo_export.h"

#define MAX_DISKS 256

static struct {
	int used;
	struct lkl_disk disk;
} disks[MAX_DISKS];
static pthread_mutex_t disks_lock = PTHREAD_MUTEX_INITIALIZER;

static struct lkl_dev_blk_ops *ops_of(struct lkl_disk *d)
{
	return d->ops ? d->ops : &lkl_dev_blk_ops;
}

/* boot_disks counts the disks given before boot (liblinux_disks_booted). */
static int boot_disks;

/* liblinux_disks_booted records how many disks the kernel booted with. */
void liblinux_disks_booted(void)
{
	int id;

	pthread_mutex_lock(&disks_lock);
	for (boot_disks = 0, id = 0; id < MAX_DISKS; id++)
		boot_disks += disks[id].used;
	pthread_mutex_unlock(&disks_lock);
}

int liblinux_disk_used(int id)
{
	return id >= 0 && id < MAX_DISKS && disks[id].used;
}

int liblinux_disk_capacity(int id, unsigned long long *res)
{
	struct lkl_disk d = disks[id].disk;

	return ops_of(&d)->get_capacity(d, res);
}

/* liblinux_disk_rw performs one request on buf (a single buffer). */
int liblinux_disk_rw(int id, unsigned int type, unsigned long long sector, void *buf, unsigned long len)
{
	struct lkl_disk d = disks[id].disk;
	struct iovec iov = { buf, len };
	struct lkl_blk_req req = { type, 0, sector, &iov, len ? 1 : 0 };

	return ops_of(&d)->request(d, &req);
}

/* liblinux_disk_rwv performs one request on n buffers, consecutive on the disk. */
int liblinux_disk_rwv(int id, unsigned int type, unsigned long long sector, struct iovec *iov, int n)
{
	struct lkl_disk d = disks[id].disk;
	struct lkl_blk_req req = { type, 0, sector, iov, n };

	return ops_of(&d)->request(d, &req);
}

int lkl_disk_add(struct lkl_disk *disk)
{
	int id, ret;

	if (liblinux_forked)
		return (int)liblinux_forked_fail();
	if (!disk)
		return -LKL_EINVAL;
	pthread_mutex_lock(&disks_lock);
	for (id = 0; id < MAX_DISKS && disks[id].used; id++)
		;
	if (id == MAX_DISKS) {
		pthread_mutex_unlock(&disks_lock);
		return -LKL_ENOSPC;
	}
	disks[id].used = 1;
	disks[id].disk = *disk;
	pthread_mutex_unlock(&disks_lock);
	/* After boot the disk appears at once (LKL hot-plugs it); before
	 * boot lkl_start_kernel adds every disk in the table. */
	if (liblinux_running) {
		ret = (int)liblinux_go_disk_add(id);
		if (ret < 0) {
			pthread_mutex_lock(&disks_lock);
			disks[id].used = 0;
			pthread_mutex_unlock(&disks_lock);
			return ret;
		}
	}
	disk->dev = (void *)(long)(id + 1);
	return id;
}

int lkl_disk_remove(struct lkl_disk disk)
{
	long id = (long)disk.dev - 1;
	int ret = 0;

	if (liblinux_forked)
		return (int)liblinux_forked_fail();
	if (id < 0 || id >= MAX_DISKS || !disks[id].used)
		return -LKL_EINVAL;
	if (liblinux_running)
		ret = (int)liblinux_go_disk_remove(id);
	if (ret < 0)
		return ret;
	pthread_mutex_lock(&disks_lock);
	disks[id].used = 0;
	pthread_mutex_unlock(&disks_lock);
	return 0;
}

/*
 * find_entry looks in directory path for an entry whose name starts with
 * prefix and, when exact, is nothing more; the first match is appended to
 * path as a new component. It returns 0, or -LKL_ENOENT when nothing
 * matches, or the error of opening the directory.
 */
static int find_entry(char *path, size_t size, const char *prefix, int exact)
{
	struct lkl_linux_dirent64 *de;
	struct lkl_dir *dir;
	size_t len = strlen(path);
	int err = 0, found = 0;

	dir = lkl_opendir(path, &err);
	if (!dir)
		return err;
	while ((de = lkl_readdir(dir)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		if (exact && de->d_name[strlen(prefix)] != 0)
			continue;
		if (snprintf(path + len, size - len, "/%s", de->d_name) >= (int)(size - len))
			err = -LKL_ENAMETOOLONG;
		found = 1;
		break;
	}
	if (!found)
		err = lkl_errdir(dir) ? lkl_errdir(dir) : -LKL_ENOENT;
	lkl_closedir(dir);
	return err;
}

/*
 * lkl_get_virtio_blkdev finds a disk's (or one of its partitions') device
 * number in sysfs, as LKL does: sysfs is mounted at /sysfs if it is not
 * yet, then .../virtio-mmio.<id>/virtio<n>/block/vdX[/vdX<part>]/dev is
 * read, under virtio-mmio-cmdline for a disk given before boot and as the
 * platform device virtio-mmio.<id - disks before boot>.auto for a
 * hot-plugged one. A disk or partition that does not exist gives
 * -LKL_ENOENT.
 */
int lkl_get_virtio_blkdev(int disk_id, unsigned int part, uint32_t *pdevid)
{
	char path[256], name[32];
	size_t len;
	int ret;

	ret = lkl_mount_fs("sysfs");
	if (ret < 0)
		return ret;
	if (disk_id < 0)
		return -LKL_EINVAL;
	if (disk_id < boot_disks)
		snprintf(path, sizeof(path), "/sysfs/devices/virtio-mmio-cmdline/virtio-mmio.%d", disk_id);
	else
		snprintf(path, sizeof(path), "/sysfs/devices/platform/virtio-mmio.%d.auto", disk_id - boot_disks);
	ret = find_entry(path, sizeof(path), "virtio", 0);
	if (ret < 0)
		return ret;
	len = strlen(path);
	snprintf(path + len, sizeof(path) - len, "/block");
	ret = find_entry(path, sizeof(path), "vd", 0);
	if (ret < 0)
		return ret;
	if (part) {
		snprintf(name, sizeof(name), "%s%u", strrchr(path, '/') + 1, part);
		ret = find_entry(path, sizeof(path), name, 1);
		if (ret < 0)
			return ret;
	}
	len = strlen(path);
	if (snprintf(path + len, sizeof(path) - len, "/dev") >= (int)(sizeof(path) - len))
		return -LKL_ENAMETOOLONG;
	return lkl_encode_dev_from_sysfs(path, pdevid);
}

int lkl_encode_dev_from_sysfs(const char *sysfs_path, uint32_t *pdevid)
{
	char buf[32];
	unsigned int major, minor;
	long fd, n;

	fd = lkl_sys_open(sysfs_path, LKL_O_RDONLY, 0);
	if (fd < 0)
		return (int)fd;
	n = lkl_sys_read(fd, buf, sizeof(buf) - 1);
	lkl_sys_close(fd);
	if (n < 0)
		return (int)n;
	buf[n] = 0;
	if (sscanf(buf, "%u:%u", &major, &minor) != 2)
		return -LKL_EINVAL;
	*pdevid = (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
	return 0;
}

long lkl_mount_blkdev(unsigned int dev, const char *fs_type, int flags,
		      const char *opts, char *mnt_str, unsigned int mnt_str_len)
{
	char dev_str[32], mnt[32], data[4096];
	long err;

	if (mnt_str_len < sizeof("/mnt/xxxxxxxx"))
		return -LKL_ENOMEM;
	snprintf(dev_str, sizeof(dev_str), "/dev/%08x", dev);
	snprintf(mnt, sizeof(mnt), "/mnt/%08x", dev);
	err = lkl_sys_mkdir("/dev", 0700);
	if (err < 0 && err != -LKL_EEXIST)
		return err;
	err = lkl_sys_mknod(dev_str, LKL_S_IFBLK | 0600, dev);
	if (err < 0 && err != -LKL_EEXIST)
		return err;
	err = lkl_sys_mkdir("/mnt", 0700);
	if (err < 0 && err != -LKL_EEXIST)
		goto out_unlink;
	err = lkl_sys_mkdir(mnt, 0700);
	if (err < 0)
		goto out_unlink;
	data[0] = 0;
	if (opts) {
		if (strlen(opts) >= sizeof(data)) {
			err = -LKL_ENOMEM;
			goto out_rmdir;
		}
		strcpy(data, opts);
	}
	err = lkl_sys_mount(dev_str, mnt, (char *)fs_type, flags, data);
	if (err < 0)
		goto out_rmdir;
	strcpy(mnt_str, mnt);
	return 0;

out_rmdir:
	lkl_sys_rmdir(mnt);
out_unlink:
	lkl_sys_unlink(dev_str);
	return err;
}

long lkl_mount_dev(unsigned int disk_id, unsigned int part, const char *fs_type,
		   int flags, const char *opts, char *mnt_str, unsigned int mnt_str_len)
{
	uint32_t dev;
	int err;

	if (mnt_str_len < sizeof("/mnt/xxxxxxxx"))
		return -LKL_ENOMEM;
	err = lkl_get_virtio_blkdev(disk_id, part, &dev);
	if (err < 0)
		return err;
	return lkl_mount_blkdev(dev, fs_type, flags, opts, mnt_str, mnt_str_len);
}

long lkl_umount_blkdev(unsigned int dev, int flags, long timeout_ms)
{
	char dev_str[32], mnt[32];
	long err;

	snprintf(dev_str, sizeof(dev_str), "/dev/%08x", dev);
	snprintf(mnt, sizeof(mnt), "/mnt/%08x", dev);
	err = lkl_umount_timeout(mnt, flags, timeout_ms);
	if (err)
		return err;
	err = lkl_sys_unlink(dev_str);
	if (err)
		return err;
	return lkl_sys_rmdir(mnt);
}

long lkl_umount_dev(unsigned int disk_id, unsigned int part, int flags, long timeout_ms)
{
	uint32_t dev;
	int err;

	err = lkl_get_virtio_blkdev(disk_id, part, &dev);
	if (err < 0)
		return err;
	return lkl_umount_blkdev(dev, flags, timeout_ms);
}
