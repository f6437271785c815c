/*
 * Console helpers: lkl_printf, lkl_bug and lkl_perror. They format on the
 * caller's side and hand the text to the host's print op, so they work
 * whether or not the kernel is running, as long as lkl_init was called.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <lkl.h>
#include <lkl_host.h>

#include "lib_ops.h"

/* Messages shorter than this are formatted on the stack. */
#define PRINT_STACK_BUF 256

static int print_va(struct lkl_host_operations *ops, const char *fmt,
		    va_list ap)
{
	char small[PRINT_STACK_BUF];
	char *buf = small;
	va_list again;
	int n;

	if (ops == NULL || ops->print == NULL || fmt == NULL)
		return 0;

	va_copy(again, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= (int)sizeof(small)) {
		char *big = NULL;

		if (ops->mem_alloc != NULL && ops->mem_free != NULL)
			big = ops->mem_alloc((unsigned long)n + 1);
		if (big != NULL) {
			vsnprintf(big, (size_t)n + 1, fmt, again);
			buf = big;
		} else {
			/* No memory: print what fits. */
			n = (int)sizeof(small) - 1;
		}
	}
	va_end(again);
	if (n <= 0)
		return 0;

	ops->print(buf, n);
	if (buf != small)
		ops->mem_free(buf);
	return n;
}

int lkl_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = print_va(liblinux_ops(), fmt, ap);
	va_end(ap);
	return n;
}

void lkl_bug(const char *fmt, ...)
{
	struct lkl_host_operations *ops = liblinux_ops();
	va_list ap;

	va_start(ap, fmt);
	print_va(ops, fmt, ap);
	va_end(ap);
	if (ops != NULL && ops->panic != NULL)
		ops->panic();
	else
		abort();
}

void lkl_perror(char *msg, int err)
{
	const char *text = lkl_strerror(err);

	if (text == NULL)
		text = "Unknown error";
	if (msg != NULL && msg[0] != '\0')
		lkl_printf("%s: %s\n", msg, text);
	else
		lkl_printf("%s\n", text);
}
