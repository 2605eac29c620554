//! A CSV document as text, written with the csv crate (quoting only where a field needs
//! it, `\n` line ends).

/// The CSV of `header` and `rows`.
pub fn csv_text<R, F>(header: &[&str], rows: R) -> anyhow::Result<String>
where
    R: IntoIterator<Item = Vec<F>>,
    F: AsRef<[u8]>,
{
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record(header)?;
    for row in rows {
        w.write_record(row)?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}
