/*
 * The three functions runtime.SetCgoTraceback takes (struct layouts of
 * version 0, as documented there), plus cgotrace_init.
 *
 * context:    on each C to Go entry, save the C call stack; free it on
 *             return to C. Must be async-signal safe: saved stacks come
 *             from a fixed lock-free pool and only fall back to malloc
 *             when more than POOL_SLOTS calls are in Go at once.
 * traceback:  copy a saved stack out (the same stack may be asked for
 *             several times, from any thread, while it is valid).
 * symbolizer: PC -> function, file, line, through libbacktrace (DWARF,
 *             then the symbol table), then dladdr. Reports inlined calls
 *             one by one through the "more" protocol.
 */
#define _GNU_SOURCE

#include <backtrace.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

struct context_arg {
	uintptr_t context;
};

struct traceback_arg {
	uintptr_t context;
	uintptr_t sig_context;
	uintptr_t *buf;
	uintptr_t max;
};

struct symbolizer_arg {
	uintptr_t pc;
	const char *file;
	uintptr_t lineno;
	const char *func;
	uintptr_t entry;
	uintptr_t more;
	uintptr_t data;
};

void cgotrace_init(void);
void cgotrace_context(void *p);
void cgotrace_traceback(void *p);
void cgotrace_symbolizer(void *p);

#define MAX_FRAMES 64
#define POOL_SLOTS 128

/* A C call stack saved at a C to Go entry; pcs[first..n) are the callers. */
struct saved_stack {
	int n;
	int first;
	void *pcs[MAX_FRAMES];
};

static struct saved_stack pool[POOL_SLOTS];
static uint64_t pool_busy[POOL_SLOTS / 64];	/* one bit per slot */

static struct saved_stack *stack_get(void)
{
	size_t w;

	for (w = 0; w < POOL_SLOTS / 64; w++) {
		uint64_t busy = __atomic_load_n(&pool_busy[w], __ATOMIC_RELAXED);

		while (busy != UINT64_MAX) {
			int bit = __builtin_ctzll(~busy);

			if (__atomic_compare_exchange_n(&pool_busy[w], &busy,
							busy | (1ULL << bit), 0,
							__ATOMIC_ACQUIRE,
							__ATOMIC_RELAXED))
				return &pool[w * 64 + (size_t)bit];
		}
	}
	return malloc(sizeof(struct saved_stack));
}

static void stack_put(struct saved_stack *s)
{
	if (s >= pool && s < pool + POOL_SLOTS) {
		size_t i = (size_t)(s - pool);

		__atomic_fetch_and(&pool_busy[i / 64], ~(1ULL << (i % 64)),
				   __ATOMIC_RELEASE);
	} else {
		free(s);
	}
}

static struct backtrace_state *bt_state;

static void bt_error(void *data, const char *msg, int errnum)
{
	(void)data;
	(void)msg;
	(void)errnum;
}

void cgotrace_init(void)
{
	void *warm[2];

	/* The first backtrace() loads the unwinder; do it now, not later in
	 * a context call that might run in a signal handler. */
	backtrace(warm, 2);
	if (__atomic_load_n(&bt_state, __ATOMIC_ACQUIRE) == NULL)
		__atomic_store_n(&bt_state,
				 backtrace_create_state(NULL, 1, bt_error, NULL),
				 __ATOMIC_RELEASE);
}

/*
 * The runtime calls this from its own entry glue, so our direct caller
 * (the return address below) and everything above it in the stack are
 * cgo internals; the C callers start after it.
 */
void cgotrace_context(void *p)
{
	struct context_arg *arg = p;
	struct saved_stack *s;
	void *glue = __builtin_return_address(0);
	int i;

	if (arg->context != 0) {
		stack_put((struct saved_stack *)arg->context);
		return;
	}
	s = stack_get();
	if (s == NULL)
		return;
	s->n = backtrace(s->pcs, MAX_FRAMES);
	s->first = s->n > 1 ? 1 : s->n;
	for (i = 0; i < s->n; i++) {
		if (s->pcs[i] == glue) {
			s->first = i + 1;
			break;
		}
	}
	arg->context = (uintptr_t)s;
}

/*
 * The saved PCs are return addresses; the runtime wants PCs that
 * symbolize to the call itself, so report each one byte earlier.
 */
void cgotrace_traceback(void *p)
{
	struct traceback_arg *arg = p;
	const struct saved_stack *s = (const struct saved_stack *)arg->context;
	uintptr_t n = 0;
	int i;

	if (arg->max == 0)
		return;
	if (s != NULL) {
		for (i = s->first; i < s->n && n < arg->max; i++)
			arg->buf[n++] = (uintptr_t)s->pcs[i] - 1;
	}
	if (n < arg->max)
		arg->buf[n] = 0;
}

/* Picks inline level `want` (0 = innermost) of a PC and counts levels. */
struct pc_level {
	int want;
	int levels;
	const char *file;
	const char *func;
	int line;
};

static int pc_found(void *data, uintptr_t pc, const char *file, int line,
		    const char *func)
{
	struct pc_level *l = data;

	(void)pc;
	if (file == NULL && func == NULL)
		return 0;
	if (l->levels == l->want) {
		l->file = file;
		l->func = func;
		l->line = line;
	}
	l->levels++;
	return 0;
}

struct sym_found {
	const char *name;
	uintptr_t value;
};

static void sym_found(void *data, uintptr_t pc, const char *symname,
		      uintptr_t symval, uintptr_t symsize)
{
	struct sym_found *s = data;

	(void)pc;
	(void)symsize;
	s->name = symname;
	s->value = symval;
}

void cgotrace_symbolizer(void *p)
{
	struct symbolizer_arg *arg = p;
	struct backtrace_state *state;
	struct pc_level l = { 0, 0, NULL, NULL, 0 };
	Dl_info info;
	int have_info;

	if (arg->pc == 0) {
		arg->file = NULL;
		arg->func = NULL;
		arg->lineno = 0;
		arg->entry = 0;
		arg->more = 0;
		arg->data = 0;
		return;
	}
	/* data carries the next inline level across "more" calls. */
	l.want = (int)arg->data;
	state = __atomic_load_n(&bt_state, __ATOMIC_ACQUIRE);
	if (state != NULL)
		backtrace_pcinfo(state, arg->pc, pc_found, bt_error, &l);
	arg->file = l.file;
	arg->func = l.func;
	arg->lineno = l.line > 0 ? (uintptr_t)l.line : 0;
	arg->entry = 0;
	if (l.levels > l.want + 1) {
		arg->more = 1;
		arg->data = (uintptr_t)l.want + 1;
	} else {
		arg->more = 0;
		arg->data = 0;
	}
	if (arg->func != NULL && arg->file != NULL && l.want > 0)
		return;

	/* Entry (and a name when there is no DWARF): symbol table. */
	if (state != NULL) {
		struct sym_found s = { NULL, 0 };

		backtrace_syminfo(state, arg->pc, sym_found, bt_error, &s);
		if (arg->func == NULL)
			arg->func = s.name;
		arg->entry = s.value;
	}
	if (arg->func != NULL && arg->file != NULL && arg->entry != 0)
		return;

	/* Last resort: the dynamic linker's view. */
	have_info = dladdr((void *)arg->pc, &info);
	if (!have_info)
		return;
	if (arg->func == NULL)
		arg->func = info.dli_sname;
	if (arg->file == NULL)
		arg->file = info.dli_fname;
	if (arg->entry == 0)
		arg->entry = (uintptr_t)info.dli_saddr;
}
