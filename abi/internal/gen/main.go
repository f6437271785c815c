// Command gen regenerates liblinux's ABI files from abi/internal/spec:
// abi/z_*.go, abi/internal/xsyscheck/z_*.go, include/lkl.h,
// include/lkl_host.h, include/lkl/asm/*.h, capi/z_syscalls.c,
// capi/z_strerror.c and tests-c/z_layout.c.
//
// Usage, from anywhere inside the module:
//
//	go run ./abi/internal/gen          # rewrite the files
//	go run ./abi/internal/gen -check   # exit 1 if any file is stale
//	go run ./abi/internal/gen -out DIR # write the tree under DIR instead
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Generate returns every generated file, keyed by slash-separated path
// relative to the module root.
func Generate() map[string][]byte {
	m := newModel()
	files := map[string][]byte{
		"abi/z_errno.go":                           genErrnoGo(),
		"abi/z_sysnum.go":                          genSysnumGo(),
		"abi/z_systable.go":                        genSystableGo(),
		"abi/z_consts_fs.go":                       genConstsGo(m, "fs"),
		"abi/z_consts_misc.go":                     genConstsGo(m, "misc"),
		"abi/z_types.go":                           genTypesGo(m),
		"abi/z_hostops.go":                         genHostOpsGo(),
		"abi/z_structs_test.go":                    genStructsTestGo(m),
		"abi/internal/xsyscheck/z_arm64_nums.go":   genXsysCheck(m, "arm64", "nums"),
		"abi/internal/xsyscheck/z_arm64_consts.go": genXsysCheck(m, "arm64", "consts"),
		"abi/internal/xsyscheck/z_arm64_types.go":  genXsysCheck(m, "arm64", "types"),
		"abi/internal/xsyscheck/z_amd64_consts.go": genXsysCheck(m, "amd64", "consts"),
		"abi/internal/xsyscheck/z_amd64_types.go":  genXsysCheck(m, "amd64", "types"),
		"include/lkl/asm/syscalls.h":               genSyscallsH(m),
		"include/lkl/asm/host_ops.h":               genHostOpsH(m),
		"include/lkl.h":                            genLklH(m),
		"include/lkl_host.h":                       genLklHostH(m),
		"capi/z_syscalls.c":                        genSyscallsC(m),
		"capi/z_strerror.c":                        genStrerrorC(),
		"tests-c/z_layout.c":                       genLayoutC(m),
	}
	// Marshal code goes into files of bounded size.
	var chunk []*layout
	lines, n := 0, 1
	flush := func() {
		if len(chunk) > 0 {
			name := fmt.Sprintf("abi/z_marshal%d.go", n)
			files[name] = genMarshalGo(m, name, chunk)
			chunk, lines = nil, 0
			n++
		}
	}
	for _, l := range m.layouts {
		if l.s.Go == "" {
			continue
		}
		cost := 12 + 2*len(l.s.Fields)
		if lines+cost > 600 {
			flush()
		}
		chunk = append(chunk, l)
		lines += cost
	}
	flush()
	return files
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("go.mod not found above the current directory")
		}
		dir = parent
	}
}

// Stale lists the generated files under root whose content differs.
func Stale(root string, files map[string][]byte) []string {
	var out []string
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		if err != nil || !bytes.Equal(got, want) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func main() {
	check := flag.Bool("check", false, "report stale files instead of writing them")
	out := flag.String("out", "", "write under this directory instead of the module root")
	flag.Parse()
	root := *out
	if root == "" {
		r, err := moduleRoot()
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(2)
		}
		root = r
	}
	files := Generate()
	if *check {
		if stale := Stale(root, files); len(stale) > 0 {
			for _, s := range stale {
				fmt.Fprintln(os.Stderr, "stale:", s)
			}
			fmt.Fprintln(os.Stderr, "run: go run ./abi/internal/gen")
			os.Exit(1)
		}
		return
	}
	for name, data := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
			continue
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}
