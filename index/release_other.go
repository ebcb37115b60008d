//go:build !linux

package index

// ReleaseMemory does nothing outside Linux.
func (x *Index) ReleaseMemory() error { return nil }

// releaseStored does nothing outside Linux.
func (x *Index) releaseStored() error { return nil }
