//! The loss matrix with its repeated columns folded into one and a count. Most entries of
//! a large topic's bundles repeat another column exactly: a one-out forecast-implied pair
//! `(k, j')` whose forecaster did not name `j'` carries, in every bundle, that reputer's
//! loss of `k` itself (3,072 pairs at 128/24/24, 288 of them named). Every quantity of the
//! consensus pass (§7.3) is a sum of exact per-entry terms or a per-entry value, so a
//! column counted `c` times gives the same result bit for bit, at a fraction of the work.

use crate::fixed::Fixed;

/// Distinct columns of a loss matrix, in the order of their first entry.
pub(super) struct Columns {
    /// `rows[r][d]`: reputer `r`'s value in distinct column `d` (`None`: not reported).
    pub rows: Vec<Vec<Option<Fixed>>>,
    /// How many entries of the matrix column `d` stands for (at least 1).
    pub count: Vec<u128>,
}

impl Columns {
    /// Folds `matrix` (a row per reputer, over the first row's entries; a shorter row lacks
    /// the rest, as the per-entry pass reads it).
    /// Deterministic: a sort of the columns, then the groups in the order they first appear,
    /// so a column that makes the pass fail is met first as in the matrix itself.
    pub fn fold(matrix: &[Vec<Option<Fixed>>]) -> Columns {
        let entries = matrix.first().map_or(0, Vec::len);
        let column = |e: usize| matrix.iter().map(move |row| row.get(e).copied().flatten());
        let mut order: Vec<usize> = (0..entries).collect();
        order.sort_unstable_by(|a, b| column(*a).cmp(column(*b)).then(a.cmp(b)));
        // (first entry, count) per group of equal columns
        let mut groups: Vec<(usize, u128)> = Vec::new();
        let mut previous: Option<usize> = None;
        for e in order {
            match (previous, groups.last_mut()) {
                (Some(p), Some(group)) if column(p).eq(column(e)) => group.1 += 1,
                _ => groups.push((e, 1)),
            }
            previous = Some(e);
        }
        groups.sort_unstable_by_key(|g| g.0);
        Columns {
            rows: matrix
                .iter()
                .map(|row| {
                    groups
                        .iter()
                        .map(|(e, _)| row.get(*e).copied().flatten())
                        .collect()
                })
                .collect(),
            count: groups.iter().map(|g| g.1).collect(),
        }
    }

    /// Number of distinct columns.
    pub fn len(&self) -> usize {
        self.count.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fx(raw: i128) -> Option<Fixed> {
        Some(Fixed::from_raw(raw))
    }

    #[test]
    fn equal_columns_fold_in_order_of_first_appearance() {
        // columns: A B A C B A, with C missing in the second row
        let matrix = vec![
            vec![fx(5), fx(1), fx(5), fx(9), fx(1), fx(5)],
            vec![fx(6), fx(2), fx(6), None, fx(2), fx(6)],
        ];
        let c = Columns::fold(&matrix);
        assert_eq!(c.count, vec![3, 2, 1]);
        assert_eq!(
            c.rows,
            vec![vec![fx(5), fx(1), fx(9)], vec![fx(6), fx(2), None]]
        );
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn columns_equal_in_one_row_only_stay_apart() {
        let matrix = vec![vec![fx(1), fx(1)], vec![fx(2), fx(3)], vec![]];
        let c = Columns::fold(&matrix);
        assert_eq!(c.count, vec![1, 1]);
        assert_eq!(c.rows[2], vec![None, None]);
        assert_eq!(Columns::fold(&[]).len(), 0);
    }
}
