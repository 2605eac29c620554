//! The byte codec of the suite's compact binary records (every byte a transaction writes
//! costs 30 gas, BENCHMARKS.md "Where the cost goes"): fixed-width big-endian fields,
//! LEB128 varints, zigzag for signed values, texts and length-prefixed lists.
//! Synthesis writes its per-nonce records with it, and reward-distribution reads the scores
//! record synthesis writes ([`crate::synthesis::EpochScores::from_record`]) with the same
//! code.

use cosmwasm_std::{SignedDecimal, StdError, StdResult};

/// The error of every binary record that does not read back (torn, too long, unknown
/// form), for the codec and the records built on it.
pub fn corrupt() -> StdError {
    StdError::generic_err("corrupt binary record")
}

/// Appends fields to a binary record.
#[derive(Default)]
pub struct Writer(Vec<u8>);

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    pub fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }

    pub fn u128(&mut self, v: u128) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }

    pub fn dec(&mut self, d: SignedDecimal) {
        self.0.extend_from_slice(&d.atomics().i128().to_be_bytes());
    }

    /// An unsigned LEB128 varint: 7 bits a byte, low first, high bit set on all but the last.
    pub fn varint(&mut self, mut v: u128) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    /// A signed value as a zigzag varint: small magnitudes of either sign take few bytes
    /// (a raw `Fixed` below 2^62, i.e. |x| < 4.6, takes 9 bytes instead of 16).
    pub fn zigzag(&mut self, v: i128) {
        self.varint(((v << 1) ^ (v >> 127)) as u128);
    }

    /// A text as its byte length (varint) and its UTF-8 bytes.
    pub fn text(&mut self, t: &str) {
        self.varint(t.len() as u128);
        self.0.extend_from_slice(t.as_bytes());
    }

    /// A length-prefixed list.
    pub fn list<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        self.u32(items.len() as u32);
        for item in items {
            each(self, item);
        }
    }

    /// A list of items that carry ids: the count as a varint, then per item the id's
    /// distance from the previous item's (the first from 0) as a zigzag varint (1 byte in an
    /// ascending list; any order round-trips), then what `each` writes of the item.
    pub fn id_list<T>(
        &mut self,
        items: &[T],
        id: impl Fn(&T) -> u32,
        mut each: impl FnMut(&mut Self, &T),
    ) {
        self.varint(items.len() as u128);
        let mut previous = 0u32;
        for item in items {
            let id = id(item);
            self.zigzag(i128::from(id) - i128::from(previous));
            each(self, item);
            previous = id;
        }
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

/// Reads fields of a binary record; every read fails on a truncated record.
pub struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader(bytes)
    }

    fn take<const N: usize>(&mut self) -> StdResult<[u8; N]> {
        if self.0.len() < N {
            return Err(corrupt());
        }
        let (head, rest) = self.0.split_at(N);
        self.0 = rest;
        head.try_into().map_err(|_| corrupt())
    }

    pub fn u8(&mut self) -> StdResult<u8> {
        Ok(u8::from_be_bytes(self.take::<1>()?))
    }

    pub fn u32(&mut self) -> StdResult<u32> {
        Ok(u32::from_be_bytes(self.take::<4>()?))
    }

    pub fn u64(&mut self) -> StdResult<u64> {
        Ok(u64::from_be_bytes(self.take::<8>()?))
    }

    pub fn u128(&mut self) -> StdResult<u128> {
        Ok(u128::from_be_bytes(self.take::<16>()?))
    }

    pub fn dec(&mut self) -> StdResult<SignedDecimal> {
        Ok(SignedDecimal::raw(i128::from_be_bytes(self.take::<16>()?)))
    }

    /// See [`Writer::varint`]; a varint beyond 128 bits or truncated is refused.
    pub fn varint(&mut self) -> StdResult<u128> {
        let mut v: u128 = 0;
        for shift in (0..128).step_by(7) {
            let [b] = self.take::<1>()?;
            let bits = u128::from(b & 0x7f);
            if shift == 126 && bits > 0b11 {
                return Err(corrupt());
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(corrupt())
    }

    /// See [`Writer::zigzag`].
    pub fn zigzag(&mut self) -> StdResult<i128> {
        let u = self.varint()?;
        Ok(((u >> 1) as i128) ^ -((u & 1) as i128))
    }

    /// See [`Writer::text`]; a length beyond the bytes left, or bytes that are not UTF-8,
    /// are refused.
    pub fn text(&mut self) -> StdResult<String> {
        let n = usize::try_from(self.varint()?)
            .ok()
            .filter(|n| *n <= self.0.len())
            .ok_or_else(corrupt)?;
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        String::from_utf8(head.to_vec()).map_err(|_| corrupt())
    }

    /// A varint that must fit a u64 (heights, epochs, ids of topics).
    pub fn varint_u64(&mut self) -> StdResult<u64> {
        u64::try_from(self.varint()?).map_err(|_| corrupt())
    }

    /// The next id of a delta-coded id list: `previous` plus a zigzag varint, within u32.
    pub fn next_id(&mut self, previous: u32) -> StdResult<u32> {
        i128::from(previous)
            .checked_add(self.zigzag()?)
            .and_then(|id| u32::try_from(id).ok())
            .ok_or_else(corrupt)
    }

    /// A list's length as a varint, trusted only as far as the bytes left hold that many
    /// entries of at least `min_entry_bytes` each (a corrupt count allocates nothing).
    pub fn count(&mut self, min_entry_bytes: usize) -> StdResult<usize> {
        usize::try_from(self.varint()?)
            .ok()
            .filter(|n| n.saturating_mul(min_entry_bytes.max(1)) <= self.0.len())
            .ok_or_else(corrupt)
    }

    /// Whether every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.0.len()
    }

    /// A length-prefixed list (the length is only trusted as far as bytes remain).
    pub fn list<T, E: From<StdError>>(
        &mut self,
        mut each: impl FnMut(&mut Self) -> Result<T, E>,
    ) -> Result<Vec<T>, E> {
        let n = self.u32()? as usize;
        let mut out = Vec::with_capacity(n.min(self.0.len() / 4));
        for _ in 0..n {
            out.push(each(self)?);
        }
        Ok(out)
    }

    /// Reads what [`Writer::id_list`] wrote: `each` reads the rest of the item whose id it is
    /// given; every entry takes at least `min_entry_bytes` (see [`Reader::count`]).
    pub fn id_list<T, E: From<StdError>>(
        &mut self,
        min_entry_bytes: usize,
        mut each: impl FnMut(&mut Self, u32) -> Result<T, E>,
    ) -> Result<Vec<T>, E> {
        let n = self.count(min_entry_bytes)?;
        let mut out = Vec::with_capacity(n);
        let mut previous = 0u32;
        for _ in 0..n {
            let id = self.next_id(previous)?;
            out.push(each(self, id)?);
            previous = id;
        }
        Ok(out)
    }

    /// The record must be fully read.
    pub fn end(self) -> StdResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(corrupt())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_and_reader_agree() {
        let mut w = Writer::default();
        w.u32(7);
        w.dec(SignedDecimal::raw(-5));
        w.list(&[1u32, 2, 3], |w, x| w.u32(*x));
        w.u8(9);
        w.u64(u64::MAX - 1);
        w.u128(u128::MAX);
        let bytes = w.into_bytes();
        let mut r = Reader::new(&bytes);
        assert_eq!(r.u32().unwrap(), 7);
        assert_eq!(r.dec().unwrap(), SignedDecimal::raw(-5));
        assert_eq!(r.list(|r| r.u32()).unwrap(), vec![1, 2, 3]);
        assert_eq!(r.u8().unwrap(), 9);
        assert_eq!(r.u64().unwrap(), u64::MAX - 1);
        assert_eq!(r.u128().unwrap(), u128::MAX);
        r.end().unwrap();
        // truncated or trailing bytes are refused
        let mut r = Reader::new(&bytes[..bytes.len() - 1]);
        r.u32().unwrap();
        r.dec().unwrap();
        r.list(|r| r.u32()).unwrap();
        r.u8().unwrap();
        r.u64().unwrap();
        assert!(r.u128().is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        let mut r = Reader::new(&longer);
        r.u32().unwrap();
        assert!(r.end().is_err());
        // a huge announced length does not allocate or loop past the data
        let mut w = Writer::default();
        w.u32(u32::MAX);
        let bytes = w.into_bytes();
        assert!(Reader::new(&bytes).list(|r| r.u32()).is_err());
    }

    #[test]
    fn id_lists_round_trip_in_any_order_and_refuse_a_bad_count() {
        let items = [(3u32, 'a'), (9, 'b'), (4, 'c'), (u32::MAX, 'd'), (0, 'e')];
        let mut w = Writer::default();
        w.id_list(&items, |(id, _)| *id, |w, (_, c)| w.u8(*c as u8));
        let bytes = w.into_bytes();
        // ascending steps take one byte each
        let mut ascending = Writer::default();
        ascending.id_list(&[1u32, 2, 3], |id| *id, |_, _| {});
        assert_eq!(ascending.into_bytes(), vec![3, 2, 2, 2]);
        let mut r = Reader::new(&bytes);
        let read = r
            .id_list(1, |r, id| Ok::<_, StdError>((id, r.u8()? as char)))
            .unwrap();
        assert_eq!(read, items);
        r.end().unwrap();
        // a count the remaining bytes cannot hold, and a truncated list, are refused
        let read =
            |bytes: &[u8]| Reader::new(bytes).id_list(1, |r, id| Ok::<_, StdError>((id, r.u8()?)));
        assert!(read(&[200, 1]).is_err());
        assert!(read(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn varints_round_trip_at_every_width() {
        let values = [
            0i128,
            1,
            -1,
            63,
            -64,
            64,
            1_000_000_000_000_000_000,
            -123_456_789_012_345_678,
            i128::MAX,
            i128::MIN,
        ];
        let mut w = Writer::default();
        for v in values {
            w.zigzag(v);
            w.varint(v.unsigned_abs());
        }
        let bytes = w.into_bytes();
        let mut r = Reader::new(&bytes);
        for v in values {
            assert_eq!(r.zigzag().unwrap(), v);
            assert_eq!(r.varint().unwrap(), v.unsigned_abs());
        }
        assert!(r.is_empty());
        // one regret-sized value (|x| < 4.6) in 9 bytes, small ones in 1
        let mut w = Writer::default();
        w.zigzag(-1_000_000_000_000_000_000);
        assert_eq!(w.into_bytes().len(), 9);
        let mut w = Writer::default();
        w.zigzag(-64);
        assert_eq!(w.into_bytes().len(), 1);
        // truncated, or more than 128 bits
        assert!(Reader::new(&[0x80]).varint().is_err());
        let mut long = vec![0xffu8; 18];
        long.push(0x03);
        assert_eq!(Reader::new(&long).varint().unwrap(), u128::MAX);
        long[18] = 0x04;
        assert!(Reader::new(&long).varint().is_err());
        // delta-coded ids and counts: an id past u32 or below 0, a count beyond the bytes
        let mut w = Writer::default();
        w.zigzag(5);
        w.zigzag(-5);
        w.zigzag(-1);
        w.varint(2);
        w.u8(0);
        w.u8(0);
        w.varint(u128::from(u64::MAX) + 1);
        let bytes = w.into_bytes();
        let mut r = Reader::new(&bytes);
        assert_eq!(r.next_id(0).unwrap(), 5);
        assert_eq!(r.next_id(5).unwrap(), 0);
        assert!(r.next_id(0).is_err());
        assert_eq!(r.count(1).unwrap(), 2);
        r.u8().unwrap();
        r.u8().unwrap();
        assert!(r.varint_u64().is_err());
        assert!(Reader::new(&[3, 0, 0]).count(1).is_err());
        assert!(Reader::new(&[1, 0]).count(2).is_err());
        let mut w = Writer::default();
        w.text("nous1é");
        w.text("");
        let bytes = w.into_bytes();
        let mut r = Reader::new(&bytes);
        assert_eq!(r.text().unwrap(), "nous1é");
        assert_eq!(r.text().unwrap(), "");
        r.end().unwrap();
        assert!(Reader::new(&bytes[..4]).text().is_err());
        assert!(Reader::new(&[2, 0xff, 0xfe]).text().is_err());
        let mut longer = vec![0x80u8; 19];
        longer.push(0);
        assert!(Reader::new(&longer).varint().is_err());
    }
}
