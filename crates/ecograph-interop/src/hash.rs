//! The hash maps and sets of this crate, keyed mostly by identifiers: foldhash (seeded
//! per process) instead of the standard SipHash, which took a tenth of a 100k-element
//! import's time.

pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub(crate) type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
