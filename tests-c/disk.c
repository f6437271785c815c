/*
 * Host disks: lkl_disk_add before and after boot with the default
 * file-backed ops, partition numbering, device numbers as LKL names them,
 * removal.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#include "test.h"

static void quiet(const char *s, int n) { (void)s; (void)n; }

int main(int argc, char **argv)
{
	struct lkl_disk d1, d2;
	uint32_t dev;
	int id1, id2;

	if (argc != 2) {
		fprintf(stderr, "usage: disk IMAGE (an image with two MBR partitions)\n");
		return 2;
	}
	d1.fd = open(argv[1], O_RDWR);
	d1.ops = NULL;
	d2 = d1;
	CHECK("open image", d1.fd >= 0, "cannot open %s", argv[1]);
	lkl_host_ops.print = quiet;
	CHECK_EQ("init", lkl_init(&lkl_host_ops), 0);
	id1 = lkl_disk_add(&d1);
	CHECK_EQ("disk_add before boot", id1, 0);
	CHECK_EQ("start", lkl_start_kernel("mem=32M"), 0);
	CHECK_EQ("whole disk", lkl_get_virtio_blkdev(id1, 0, &dev), 0);
	CHECK_EQ("whole disk is 254:0", dev, 254 << 8);
	CHECK_EQ("partition 1", lkl_get_virtio_blkdev(id1, 1, &dev), 0);
	CHECK_EQ("partition 1 is 254:1", dev, (254 << 8) | 1);
	CHECK_EQ("partition 2", lkl_get_virtio_blkdev(id1, 2, &dev), 0);
	CHECK_EQ("partition 2 is 254:2", dev, (254 << 8) | 2);
	CHECK_EQ("no partition 3", lkl_get_virtio_blkdev(id1, 3, &dev), -LKL_ENXIO);
	id2 = lkl_disk_add(&d2);
	CHECK_EQ("disk_add after boot", id2, 1);
	CHECK_EQ("second disk", lkl_get_virtio_blkdev(id2, 0, &dev), 0);
	CHECK_EQ("second disk is 254:16", dev, (254 << 8) | 16);
	CHECK_EQ("remove second disk", lkl_disk_remove(d2), 0);
	CHECK_EQ("removed disk is gone", lkl_get_virtio_blkdev(id2, 0, &dev), -LKL_ENXIO);
	CHECK_EQ("remove twice", lkl_disk_remove(d2), -LKL_EINVAL);
	CHECK_EQ("mount_dev needs room for the path", lkl_mount_dev(id1, 1, "ext4", 0, NULL, (char[8]){0}, 8), -LKL_ENOMEM);
	CHECK_EQ("halt", lkl_sys_halt(), 0);
	lkl_cleanup();
	CHECK_EQ("remove first disk after halt", lkl_disk_remove(d1), 0);
	close(d1.fd);
	return test_done();
}
