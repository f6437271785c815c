/* A C program that calls a Go c-shared library from nested functions. */
void cgotrace_demo_install(void);
void cgotrace_demo_panic(void);

__attribute__((noinline)) static void host_inner(void)
{
	cgotrace_demo_panic();
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) static void host_outer(void)
{
	host_inner();
	__asm__ volatile("" ::: "memory");
}

int main(void)
{
	cgotrace_demo_install();
	host_outer();
	return 0;
}
