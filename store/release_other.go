//go:build !linux

package store

// ReleaseMemory does nothing outside Linux.
func (s *DB) ReleaseMemory() error { return nil }
