package block

import (
	"sync"

	"liblinux/abi"
)

// claims records who holds a device exclusively, as Linux's bd_holder: the
// superblock of the filesystem mounted from it, or the open file of an
// open(2) with O_EXCL. Anyone may open a device; only one holder may claim
// it, and a claimed partition marks its whole disk as claimed too (so the
// disk cannot be claimed under it, though its other partitions can).
type claims struct {
	mu      sync.Mutex
	holder  any // nil, partitionHeld, or the holder; protected by mu
	holders int // claims in force (the holder's, or the partitions'); protected by mu

	// whole is the whole-disk device of a partition; nil for a whole
	// disk. Set before the device is published.
	whole *Device

	// mountMu serialises mount(2) of this device: the look for a
	// filesystem already mounted from it, and the mount that claims it.
	mountMu sync.Mutex
}

type partitionMarker struct{}

// partitionHeld is the holder of a whole disk while one of its partitions
// is claimed (Linux's bd_may_claim marker).
var partitionHeld any = partitionMarker{}

// SetWhole records that d is a partition of whole. It is called once,
// before d is used.
func (d *Device) SetWhole(whole *Device) { d.claims.whole = whole }

// Claim makes holder the exclusive holder of d: EBUSY if another holder
// has d, or has d's whole disk.
func (d *Device) Claim(holder any) error {
	w := d.claims.whole
	if w != nil {
		w.claims.mu.Lock()
		defer w.claims.mu.Unlock()
		if w.claims.holder != nil && w.claims.holder != partitionHeld {
			return abi.EBUSY
		}
	}
	c := &d.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.holder != nil && c.holder != holder {
		return abi.EBUSY
	}
	c.holder = holder
	c.holders++
	if w != nil {
		w.claims.holder = partitionHeld
		w.claims.holders++
	}
	return nil
}

// Release ends one claim of holder on d.
func (d *Device) Release(holder any) {
	w := d.claims.whole
	if w != nil {
		w.claims.mu.Lock()
		defer w.claims.mu.Unlock()
	}
	c := &d.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.holder != holder || c.holders == 0 {
		return
	}
	if c.holders--; c.holders == 0 {
		c.holder = nil
	}
	if w != nil {
		if w.claims.holders--; w.claims.holders == 0 {
			w.claims.holder = nil
		}
	}
}

// Reclaim passes old's claim on d to holder.
func (d *Device) Reclaim(old, holder any) {
	c := &d.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.holder == old {
		c.holder = holder
	}
}

// Holder returns d's holder, nil if none (a whole disk held through a
// partition has none of its own).
func (d *Device) Holder() any {
	c := &d.claims
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.holder == partitionHeld {
		return nil
	}
	return c.holder
}

// LockMount serialises mount(2) of d and returns the unlock function.
func (d *Device) LockMount() func() {
	d.claims.mountMu.Lock()
	return d.claims.mountMu.Unlock
}

type retiredMarker struct{}

// retired holds a removed disk's devices, so that nothing claims them.
var retired any = retiredMarker{}

// Retire claims a disk (whole) and its partitions for good, as it is
// removed: EBUSY, with nothing claimed, if a filesystem is mounted from
// any of them or an O_EXCL open holds one.
func Retire(whole *Device, parts []*Device) error {
	whole.claims.mu.Lock()
	defer whole.claims.mu.Unlock()
	for _, p := range parts {
		p.claims.mu.Lock()
		defer p.claims.mu.Unlock()
	}
	if whole.claims.holder != nil {
		return abi.EBUSY
	}
	for _, p := range parts {
		if p.claims.holder != nil {
			return abi.EBUSY
		}
	}
	whole.claims.holder = retired
	for _, p := range parts {
		p.claims.holder = retired
	}
	return nil
}
