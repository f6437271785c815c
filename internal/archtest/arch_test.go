// Package archtest checks the architecture rules of DESIGN.md against
// the code: who may import whom, and where cgo and unsafe may appear.
package archtest

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const mod = "liblinux/"

type pkg struct {
	path    string
	dir     string
	imports []string
	files   []string
	cgo     bool
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}}|{{.Dir}}|{{join .Imports \" \"}}|{{join .GoFiles \" \"}} {{join .CgoFiles \" \"}}|{{len .CgoFiles}}", "liblinux/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "|")
		if len(f) != 5 {
			t.Fatalf("bad go list line %q", sc.Text())
		}
		var own []string
		for _, imp := range strings.Fields(f[2]) {
			if strings.HasPrefix(imp, mod) {
				own = append(own, strings.TrimPrefix(imp, mod))
			}
		}
		pkgs = append(pkgs, pkg{path: strings.TrimPrefix(f[0], mod), dir: f[1], imports: own, files: strings.Fields(f[3]), cgo: f[4] != "0"})
	}
	return pkgs
}

// allowed lists, for each package (prefix), the packages of ours it may
// import (prefixes). The first matching rule applies.
var rules = []struct {
	pkg     string
	allowed []string
}{
	{"abi/internal/gen", []string{"abi"}},
	{"abi/internal/xsyscheck", []string{"abi"}},
	{"abi", []string{"abi/internal/spec"}},
	{"hostops/fake", []string{"hostops", "abi"}},
	{"hostops/posix", nil},
	{"hostops", []string{"abi"}},
	{"kernel/usermem", []string{"abi"}},
	{"kernel/percpu", nil},
	{"kernel/waiter", nil},
	{"kernel/mm", []string{"abi", "hostops", "kernel/percpu"}},
	{"kernel/ktime", []string{"abi", "hostops"}},
	{"kernel/block", []string{"abi", "kernel/mm", "kernel/vfs", "kernel/usermem"}},
	{"kernel/vfs", []string{"abi", "kernel/usermem", "kernel/waiter", "kernel/percpu"}},
	// procfs shows kernel state (tasks, mounts), so it reads the kernel.
	{"kernel/fs/procfs", []string{"abi", "kernel/vfs", "kernel/usermem", "kernel/waiter", "kernel"}},
	// devtmpfs is a tmpfs instance that follows the device registry.
	{"kernel/fs/devfs", []string{"abi", "kernel/vfs", "kernel/fs/tmpfs", "kernel/devices"}},
	{"kernel/fs", []string{"abi", "kernel/vfs", "kernel/usermem", "kernel/waiter", "kernel/mm", "kernel/block", "kernel/percpu"}},
	{"kernel/devices", []string{"abi", "kernel/vfs", "kernel/usermem", "kernel/waiter", "kernel/mm", "kernel/pipe"}},
	{"kernel/pipe", []string{"abi", "kernel/vfs", "kernel/usermem", "kernel/waiter", "kernel/mm"}},
	{"kernel/epoll", []string{"abi", "kernel/vfs", "kernel/usermem", "kernel/waiter"}},
	{"kernel/eventfd", []string{"abi", "kernel/vfs", "kernel/usermem", "kernel/waiter"}},
	{"kernel/timerfd", []string{"abi", "kernel/vfs", "kernel/usermem", "kernel/waiter", "kernel/ktime"}},
	{"kernel/futex", []string{"abi", "kernel/usermem", "kernel/waiter"}},
	{"kernel/locks", []string{"abi", "kernel/vfs", "kernel/waiter"}},
	{"kernel/syscalls", []string{"abi", "kernel", "hostops"}},
	{"kernel/boot", []string{"abi", "kernel", "hostops"}},
	{"kernel", []string{"abi", "hostops", "kernel/ktime", "kernel/mm", "kernel/vfs", "kernel/usermem", "kernel/waiter", "kernel/block", "kernel/futex", "kernel/locks"}},
	{"cgotrace/internal", []string{"cgotrace"}},
	{"cgotrace", nil},
	{"capi", []string{"abi", "hostops", "kernel", "cgotrace"}},
	{"internal", nil},
}

func hasPrefix(p, prefix string) bool { return p == prefix || strings.HasPrefix(p, prefix+"/") }

func TestImports(t *testing.T) {
	for _, p := range listPackages(t) {
		matched := false
		for _, r := range rules {
			if !hasPrefix(p.path, r.pkg) {
				continue
			}
			matched = true
			for _, imp := range p.imports {
				ok := false
				for _, a := range r.allowed {
					ok = ok || hasPrefix(imp, a)
				}
				// kernel may not import its own upper layers.
				if r.pkg == "kernel" && (hasPrefix(imp, "kernel/syscalls") || hasPrefix(imp, "kernel/boot") || hasPrefix(imp, "kernel/fs")) {
					ok = false
				}
				if !ok {
					t.Errorf("%s imports %s: not allowed by the dependency rule", p.path, imp)
				}
			}
			break
		}
		if !matched {
			t.Errorf("%s: no dependency rule covers this package", p.path)
		}
	}
}

// cgoAllowed are the packages that may use cgo and unsafe freely.
var cgoAllowed = []string{"capi", "hostops/posix", "cgotrace"}

func TestCgoAndUnsafe(t *testing.T) {
	for _, p := range listPackages(t) {
		allowed := false
		for _, a := range cgoAllowed {
			allowed = allowed || hasPrefix(p.path, a)
		}
		if p.cgo && !allowed {
			t.Errorf("%s uses cgo; only %v may", p.path, cgoAllowed)
		}
		if allowed {
			continue
		}
		for _, f := range p.files {
			if strings.HasSuffix(f, "_unsafe.go") || strings.HasPrefix(p.path, "abi/internal/xsyscheck") {
				continue
			}
			src, err := os.ReadFile(filepath.Join(p.dir, f))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(src, []byte(`"unsafe"`)) {
				t.Errorf("%s/%s imports unsafe outside a *_unsafe.go file", p.path, f)
			}
		}
	}
}
