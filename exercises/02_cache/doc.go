// Package cache is chapter 02 of otpgo: a key/value cache as a GenServer
// (02.1), then values with a TTL and periodic eviction (02.2), then
// ETS-style reads that no longer queue in the server's mailbox (02.3).
package cache
