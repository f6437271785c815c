package main

import (
	"fmt"
	"strings"
	"unicode"

	"liblinux/abi/internal/spec"
)

// lklName applies LKL's renaming rule (arch/lkl/scripts/headers_install.py):
// keep a leading "__" or "_", then "LKL" for an all-uppercase word or "lkl"
// otherwise, then "_" unless the word started with "_", then the word.
func lklName(w string) string {
	lead := ""
	switch {
	case strings.HasPrefix(w, "__"):
		lead = "__"
	case strings.HasPrefix(w, "_"):
		lead = "_"
	}
	p := "lkl"
	if isUpper(w) {
		p = "LKL"
	}
	if lead == "" {
		p += "_"
	}
	return lead + p + w
}

// isUpper mirrors Python's str.isupper: at least one cased letter and no
// lowercase letters.
func isUpper(w string) bool {
	cased := false
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsUpper(r) {
			cased = true
		}
	}
	return cased
}

// scalar describes a C base type on LP64.
type scalar struct {
	size   int
	signed bool
}

var baseTypes = map[string]scalar{
	"char":               {1, true},
	"signed char":        {1, true},
	"unsigned char":      {1, false},
	"short":              {2, true},
	"unsigned short":     {2, false},
	"int":                {4, true},
	"unsigned int":       {4, false},
	"long":               {8, true},
	"unsigned long":      {8, false},
	"long long":          {8, true},
	"unsigned long long": {8, false},
}

// layout is the computed layout of one struct.
type layout struct {
	s       *spec.Struct
	size    int
	align   int
	offsets []int
	sizes   []int // element size times count (0 for a flexible array)
}

// ctype is the resolved form of a C type used in a struct field.
type ctype struct {
	size, align int
	signed      bool
	ptr         bool
	st          *layout // non-nil for a struct
}

type model struct {
	typedefs map[string]spec.Typedef
	structs  map[string]*layout // by "struct tag" and by typedef name
	layouts  []*layout
	consts   map[string]spec.Const
}

func newModel() *model {
	m := &model{
		typedefs: map[string]spec.Typedef{},
		structs:  map[string]*layout{},
		consts:   map[string]spec.Const{},
	}
	for _, t := range spec.Typedefs {
		m.typedefs[t.Name] = t
	}
	for _, g := range spec.Groups {
		for _, c := range g.Consts {
			m.consts[c.Name] = c
		}
	}
	for i := range spec.Structs {
		s := &spec.Structs[i]
		l := m.computeLayout(s)
		m.layouts = append(m.layouts, l)
		if s.C != "" {
			m.structs["struct "+s.C] = l
		}
		if s.Typedef != "" {
			m.structs[s.Typedef] = l
		}
	}
	return m
}

// resolve returns the layout of a C type in kernel spelling.
func (m *model) resolve(t string) ctype {
	t = strings.TrimSpace(strings.ReplaceAll(t, "const ", ""))
	if strings.Contains(t, "*") || strings.HasPrefix(t, "fnptr:") {
		return ctype{size: 8, align: 8, ptr: true}
	}
	if l, ok := m.structs[t]; ok {
		return ctype{size: l.size, align: l.align, st: l}
	}
	if b, ok := baseTypes[t]; ok {
		return ctype{size: b.size, align: b.size, signed: b.signed}
	}
	if td, ok := m.typedefs[t]; ok {
		return m.resolve(td.Def)
	}
	panic(fmt.Sprintf("gen: unknown C type %q", t))
}

func (m *model) computeLayout(s *spec.Struct) *layout {
	l := &layout{s: s, align: 1}
	off := 0
	for i, f := range s.Fields {
		ct := m.resolve(f.Type)
		if !s.Packed {
			off = alignUp(off, ct.align)
			if ct.align > l.align {
				l.align = ct.align
			}
		}
		n := ct.size
		switch {
		case f.Len > 0:
			n *= f.Len
		case f.Len < 0:
			n = 0
			if i != len(s.Fields)-1 {
				panic("gen: flexible array not last in " + s.C)
			}
		}
		l.offsets = append(l.offsets, off)
		l.sizes = append(l.sizes, n)
		off += n
	}
	l.size = alignUp(off, l.align)
	return l
}

func alignUp(n, a int) int { return (n + a - 1) / a * a }

// cType renames every identifier of a kernel-spelled C type the way LKL's
// header installer does: typedef names through lklName, struct and union
// tags after their keyword.
func (m *model) cType(t string) string {
	var b strings.Builder
	prevKW := false
	for _, tok := range tokens(t) {
		switch {
		case prevKW && isIdentStart(tok[0]):
			b.WriteString(lklName(tok))
			prevKW = false
			continue
		case tok == "struct" || tok == "union" || tok == "enum":
			prevKW = true
		case isIdentStart(tok[0]):
			if _, ok := m.typedefs[tok]; ok {
				tok = lklName(tok)
			} else if _, ok := m.structs[tok]; ok {
				tok = lklName(tok)
			}
		}
		b.WriteString(tok)
	}
	return b.String()
}

// tokens splits C text into identifiers and single other characters,
// keeping spaces.
func tokens(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		if isIdentStart(s[i]) {
			j := i
			for j < len(s) && (isIdentStart(s[j]) || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			out = append(out, s[i:j])
			i = j
			continue
		}
		out = append(out, s[i:i+1])
		i++
	}
	return out
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// cDecl joins a renamed type and a name into a declaration.
func (m *model) cDecl(t, name string) string {
	ct := m.cType(t)
	if strings.HasPrefix(t, "fnptr:") {
		return strings.Replace(m.cType(strings.TrimPrefix(t, "fnptr:")), "NAME", name, 1)
	}
	if strings.HasSuffix(ct, "*") {
		return ct + name
	}
	return ct + " " + name
}

// cMember is the C member name after LKL's member renames.
func cMember(name string) string {
	for _, r := range spec.MemberRenames {
		if r == name {
			return lklName(name)
		}
	}
	return name
}

// goName is the Go identifier for a Linux constant name: leading
// underscores are dropped because Go does not export such names.
func goName(name string) string { return strings.TrimLeft(name, "_") }
