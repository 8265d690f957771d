"""The scans: each reads the store, decides what is wrong now (pure functions), and returns a ScanResult."""
