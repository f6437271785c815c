package main

import (
	"bytes"
	"fmt"
	"strings"

	"liblinux/abi/internal/spec"
)

func genSyscallsC(m *model) []byte {
	var b bytes.Buffer
	b.WriteString(cHeader)
	b.WriteString("/*\n * One exported definition per lkl_sys_* function the headers declare.\n * Each packs its arguments into six longs and enters the kernel.\n */\n")
	b.WriteString("#include <lkl.h>\n#include \"entry.h\"\n\n")
	emit := func(name string, sc spec.Syscall) {
		fmt.Fprintf(&b, "long lkl_sys_%s(%s)\n{\n", name, m.protoParams(sc.Args))
		var ps []string
		for _, a := range sc.Args {
			ps = append(ps, "(long)"+a.Name)
		}
		for len(ps) < 6 {
			ps = append(ps, "0")
		}
		fmt.Fprintf(&b, "\tlong p[6] = {%s};\n\n", strings.Join(ps, ", "))
		fmt.Fprintf(&b, "\treturn liblinux_enter(%s, p);\n}\n\n", lklName("__NR_"+cFuncName(sc)))
	}
	for _, sc := range spec.Syscalls {
		if !wrapperNames[cFuncName(sc)] {
			emit(cFuncName(sc), sc)
		}
	}
	for _, a := range funcAliases {
		emit(a[0], syscallByName(a[1]))
	}
	b.WriteString("/* Convenience wrappers (declared in lkl.h). */\n")
	b.WriteString(wrappersC)
	return b.Bytes()
}

func genStrerrorC() []byte {
	var b bytes.Buffer
	b.WriteString(cHeader)
	b.WriteString("#include <lkl.h>\n\n")
	b.WriteString("static const char *const lkl_errmsg[] = {\n\t[0] = \"Success\",\n")
	for _, e := range spec.Errnos {
		if !e.Alias && !e.Internal {
			fmt.Fprintf(&b, "\t[%s] = %q,\n", lklName(e.Name), e.Msg)
		}
	}
	b.WriteString("};\n\n")
	b.WriteString(`const char *lkl_strerror(int err)
{
	if (err < 0) {
		if (err < -(int)(sizeof(lkl_errmsg) / sizeof(lkl_errmsg[0])))
			return "Unknown error";
		err = -err;
	}
	if ((unsigned int)err >= sizeof(lkl_errmsg) / sizeof(lkl_errmsg[0]) || !lkl_errmsg[err])
		return "Unknown error";
	return lkl_errmsg[err];
}
`)
	return b.Bytes()
}

func genLayoutC(m *model) []byte {
	var b bytes.Buffer
	b.WriteString(cHeader)
	b.WriteString("/*\n * Checks the generated headers against the layout and values the Go\n * generator computed (the ones abi marshals with). Prints one line per\n * mismatch and a last line \"N passed, N failed\".\n */\n")
	b.WriteString("#include <stddef.h>\n#include <stdio.h>\n#include <lkl.h>\n#include <lkl_host.h>\n\n")
	b.WriteString("static int passed, failed;\n\n")
	b.WriteString("static void check(const char *what, unsigned long long got, unsigned long long want)\n{\n")
	b.WriteString("\tif (got == want) {\n\t\tpassed++;\n\t\treturn;\n\t}\n\tfailed++;\n")
	b.WriteString("\tprintf(\"FAIL %s: got %llu (%#llx), want %llu (%#llx)\\n\", what, got, got, want, want);\n}\n\n")
	b.WriteString("#define CHECK(x, want) check(#x, (unsigned long long)(x), (want))\n\n")
	b.WriteString("static void check_structs(void)\n{\n")
	for _, l := range m.layouts {
		s := l.s
		name := "struct " + lklName(s.C)
		if s.C == "" {
			name = lklName(s.Typedef)
		}
		fmt.Fprintf(&b, "\tCHECK(sizeof(%s), %dULL);\n", name, l.size)
		for i, f := range s.Fields {
			fmt.Fprintf(&b, "\tCHECK(offsetof(%s, %s), %dULL);\n", name, cMember(f.C), l.offsets[i])
		}
	}
	b.WriteString("}\n\nstatic void check_host_ops(void)\n{\n")
	off := 0
	for _, op := range spec.HostOps {
		fmt.Fprintf(&b, "\tCHECK(offsetof(struct lkl_host_operations, %s), %dULL);\n", op.Name, off)
		n := 1
		if op.Len > 0 {
			n = op.Len
		}
		off += 8 * n
	}
	fmt.Fprintf(&b, "\tCHECK(sizeof(struct lkl_host_operations), %dULL);\n}\n\n", off)
	b.WriteString("static void check_consts(void)\n{\n")
	for _, g := range spec.Groups {
		for _, c := range g.Consts {
			fmt.Fprintf(&b, "\tCHECK(%s, %#xULL);\n", lklName(c.Name), uint64(c.Value))
		}
	}
	b.WriteString("}\n\nstatic void check_errnos(void)\n{\n")
	for _, e := range spec.Errnos {
		if !e.Internal {
			fmt.Fprintf(&b, "\tCHECK(%s, %dULL);\n", lklName(e.Name), e.Value)
		}
	}
	b.WriteString("}\n\nstatic void check_syscalls(void)\n{\n")
	for _, sc := range spec.Syscalls {
		fmt.Fprintf(&b, "\tCHECK(%s, %dULL);\n", lklName("__NR_"+cFuncName(sc)), sc.Nr)
	}
	for _, a := range nrAliases {
		fmt.Fprintf(&b, "\tCHECK(%s, %dULL);\n", lklName("__NR_"+a[0]), syscallByName(a[1]).Nr)
	}
	fmt.Fprintf(&b, "\tCHECK(%s, %dULL);\n", lklName("__NR_syscalls"), syscallMax())
	b.WriteString("}\n\nint main(void)\n{\n\tcheck_structs();\n\tcheck_host_ops();\n\tcheck_consts();\n\tcheck_errnos();\n\tcheck_syscalls();\n")
	b.WriteString("\tprintf(\"%d passed, %d failed\\n\", passed, failed);\n\treturn failed != 0;\n}\n")
	return b.Bytes()
}
