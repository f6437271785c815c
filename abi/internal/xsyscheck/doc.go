// Package xsyscheck holds compile-time assertions that liblinux/abi agrees
// with golang.org/x/sys/unix: on linux/arm64 (asm-generic) for syscall
// numbers, errnos, constants and struct layouts, and on linux/amd64 for the
// few values where LKL follows x86-64 (O_DIRECTORY and friends, the packed
// struct epoll_event). The package compiles only if every value matches;
// abi's tests build it for both architectures.
package xsyscheck
