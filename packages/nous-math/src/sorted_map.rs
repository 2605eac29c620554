//! [`SortedMap`] and [`SortedSet`]: an ordered map (set) kept as one vector sorted by key.
//!
//! The epoch maths needs ordered maps of at most a few thousand entries, built mostly in
//! key order and read far more often than changed. A `BTreeMap` does the job, but in wasm
//! every key/value pair it is used with instantiates its node code again. This map is a
//! sorted `Vec` with binary search: a fraction of the code per instantiation (replacing
//! `BTreeMap`/`BTreeSet` took synthesis from 802 to 691 KB and reward-distribution from
//! 582 to 527 KB) and no slower for the sizes here (appends in key order, the common case,
//! never move an entry; both closes got cheaper, BENCHMARKS.md). A middle insert moves the
//! tail, so a batch of keys goes in by [`SortedMap::merge`].
//!
//! Iteration is in ascending key order and a later insert of the same key replaces the
//! earlier value, exactly as with `BTreeMap`, so results do not change with the container.

use std::borrow::Borrow;
use std::fmt;

/// An ordered map over a vector of `(key, value)` pairs, strictly ascending by key.
#[derive(Clone, PartialEq, Eq)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> SortedMap<K, V> {
    pub const fn new() -> Self {
        Self {
            entries: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear()
    }

    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter {
            inner: self.entries.iter(),
        }
    }

    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (&K, &mut V)> + ExactSizeIterator {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = K> + ExactSizeIterator {
        self.entries.into_iter().map(|(k, _)| k)
    }

    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.entries.into_iter().map(|(_, v)| v)
    }

    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(|(k, v)| (k, v))
    }

    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last().map(|(k, v)| (k, v))
    }

    /// Keeps the entries for which `keep` answers true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v))
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// `Ok(index)` of `key`, or `Err(index)` where it would be inserted.
    fn position<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        let i = self.position(key).ok()?;
        Some(&self.entries[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        let i = self.position(key).ok()?;
        Some(&mut self.entries[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.position(key).is_ok()
    }

    /// Inserts or replaces; answers the replaced value. A key above every key present (the
    /// common case when building in order) is appended without a search.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.entries.last() {
            Some((last, _)) if *last < key => {}
            None => {}
            Some(_) => match self.position(&key) {
                Ok(i) => return Some(std::mem::replace(&mut self.entries[i].1, value)),
                Err(i) => {
                    self.entries.insert(i, (key, value));
                    return None;
                }
            },
        }
        self.entries.push((key, value));
        None
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let i = self.position(key).ok()?;
        Some(self.entries.remove(i).1)
    }

    /// The value of `key`, inserted by `make` first if absent.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.position(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, make()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// Inserts (or replaces) every entry of `incoming` in one merge pass when its keys are
    /// strictly ascending, instead of one shift of the tail per entry; any other order
    /// falls back to [`SortedMap::insert`] per entry. Same result either way.
    pub fn merge(&mut self, incoming: Vec<(K, V)>) {
        if !incoming.windows(2).all(|w| w[0].0 < w[1].0) {
            self.extend(incoming);
            return;
        }
        let old = std::mem::take(&mut self.entries);
        let mut merged = Vec::with_capacity(old.len().saturating_add(incoming.len()));
        let mut old = old.into_iter().peekable();
        for (key, value) in incoming {
            while let Some(entry) = old.next_if(|(k, _)| *k < key) {
                merged.push(entry);
            }
            // a present key is replaced
            old.next_if(|(k, _)| *k == key);
            merged.push((key, value));
        }
        merged.extend(old);
        self.entries = merged;
    }

    /// `BTreeMap`'s entry shape, for the insert-if-absent uses (`or_insert`, `or_default`).
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        Entry { map: self, key }
    }
}

/// A key of a [`SortedMap`] about to be read or inserted; see [`SortedMap::entry`].
pub struct Entry<'a, K, V> {
    map: &'a mut SortedMap<K, V>,
    key: K,
}

impl<'a, K: Ord, V> Entry<'a, K, V> {
    pub fn or_insert_with(self, make: impl FnOnce() -> V) -> &'a mut V {
        self.map.get_or_insert_with(self.key, make)
    }

    pub fn or_insert(self, value: V) -> &'a mut V {
        self.or_insert_with(|| value)
    }

    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = Self::new();
        map.extend(iter);
        map
    }
}

impl<K: Ord, V> Extend<(K, V)> for SortedMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(entries: [(K, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

/// Borrowing iterator in ascending key order.
#[derive(Clone)]
pub struct Iter<'a, K, V> {
    inner: std::slice::Iter<'a, (K, V)>,
}

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|(k, v)| (k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for Iter<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|(k, v)| (k, v))
    }
}

impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<K: Ord, V> std::ops::Index<&K> for SortedMap<K, V> {
    type Output = V;

    /// Panics on a missing key, like `BTreeMap`'s index; for keys known to be present.
    fn index(&self, key: &K) -> &V {
        match self.get(key) {
            Some(v) => v,
            None => panic!("SortedMap: key not present"),
        }
    }
}

/// An ordered set over a [`SortedMap`] with unit values.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SortedSet<K> {
    map: SortedMap<K, ()>,
}

impl<K> SortedSet<K> {
    pub const fn new() -> Self {
        Self {
            map: SortedMap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.map.keys()
    }
}

impl<K: Ord> SortedSet<K> {
    pub fn contains<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.map.contains_key(key)
    }

    /// Answers whether `key` was new.
    pub fn insert(&mut self, key: K) -> bool {
        self.map.insert(key, ()).is_none()
    }

    /// Answers whether `key` was present.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.map.remove(key).is_some()
    }
}

impl<K: fmt::Debug> fmt::Debug for SortedSet<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<K: Ord> FromIterator<K> for SortedSet<K> {
    fn from_iter<I: IntoIterator<Item = K>>(iter: I) -> Self {
        Self {
            map: iter.into_iter().map(|k| (k, ())).collect(),
        }
    }
}

impl<K> IntoIterator for SortedSet<K> {
    type Item = K;
    type IntoIter = std::iter::Map<std::vec::IntoIter<(K, ())>, fn((K, ())) -> K>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.into_iter().map(|(k, ())| k)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// The same operations on a `BTreeMap` and a `SortedMap` leave the same entries, in the
    /// same order, and answer the same.
    #[test]
    fn behaves_as_a_btree_map() {
        let mut b = BTreeMap::new();
        let mut s = SortedMap::new();
        // a fixed pseudo-random walk over keys 0..50: inserts, replaces and removals
        let mut x: u32 = 7;
        for step in 0..600u32 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let key = (x >> 8) % 50;
            match step % 5 {
                0 => assert_eq!(b.remove(&key), s.remove(&key)),
                1 => {
                    *b.entry(key).or_insert(0) += 1;
                    *s.entry(key).or_insert(0) += 1;
                }
                _ => assert_eq!(b.insert(key, step), s.insert(key, step)),
            }
            assert_eq!(b.get(&key), s.get(&key));
            assert_eq!(b.contains_key(&(key + 1)), s.contains_key(&(key + 1)));
        }
        assert_eq!(b.len(), s.len());
        assert!(b.iter().eq(s.iter()));
        assert!(b.iter().rev().eq(s.iter().rev()));
        assert_eq!(b.first_key_value(), s.first_key_value());
        assert_eq!(b.last_key_value(), s.last_key_value());
        b.retain(|k, _| k % 3 == 0);
        s.retain(|k, _| k % 3 == 0);
        assert!(b.into_iter().eq(s.into_iter()));
    }

    #[test]
    fn a_merge_equals_inserting_one_by_one() {
        let base: SortedMap<u32, u32> = (0..40).step_by(3).map(|k| (k, k)).collect();
        let ascending: Vec<(u32, u32)> = (0..40).step_by(2).map(|k| (k, 100 + k)).collect();
        let shuffled: Vec<(u32, u32)> = [(7, 1), (3, 2), (30, 3), (7, 4)].into();
        for incoming in [ascending, shuffled, vec![]] {
            let mut merged = base.clone();
            merged.merge(incoming.clone());
            let mut inserted = base.clone();
            inserted.extend(incoming);
            assert_eq!(merged, inserted);
        }
    }

    #[test]
    fn collecting_keeps_the_last_value_of_a_repeated_key() {
        let s: SortedMap<u32, &str> = [(3, "a"), (1, "b"), (3, "c"), (2, "d")].into();
        let b: BTreeMap<u32, &str> = [(3, "a"), (1, "b"), (3, "c"), (2, "d")].into();
        assert!(b.iter().eq(s.iter()));
        assert_eq!(s[&3], "c");
        assert_eq!(format!("{s:?}"), format!("{b:?}"));
    }

    #[test]
    fn set_behaves_as_a_btree_set() {
        let keys = [5u32, 1, 9, 5, 3, 1, 7];
        let b: std::collections::BTreeSet<u32> = keys.into_iter().collect();
        let mut s: SortedSet<u32> = keys.into_iter().collect();
        assert!(b.iter().eq(s.iter()));
        assert_eq!(s.len(), b.len());
        assert!(s.contains(&9) && !s.contains(&2));
        assert!(!s.insert(3) && s.insert(2));
        assert!(s.remove(&5) && !s.remove(&5));
        assert!(s.into_iter().eq([1, 2, 3, 7, 9]));
    }
}
