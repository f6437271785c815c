#include <stdint.h>
#include <unistd.h>

/* Exported from demo.go. */
void cgotraceDemoPanic(void);
void cgotraceDemoNop(void);

/* noinline and the barrier after each call keep every frame on the stack. */
__attribute__((noinline)) void demo_inner(void)
{
	cgotraceDemoPanic();
	__asm__ volatile("" ::: "memory");
}

void demo_outer(void)
{
	demo_inner();
	__asm__ volatile("" ::: "memory");
}

void demo_loop(int n)
{
	int i;

	for (i = 0; i < n; i++)
		cgotraceDemoNop();
}

uintptr_t demo_inner_addr(void)
{
	return (uintptr_t)demo_inner;
}

uintptr_t demo_libc_addr(void)
{
	return (uintptr_t)getpid;
}
