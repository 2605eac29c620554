//! The largest default active sets (32 inferers, 6 forecasters with 12 elements, 6
//! reputers) over several epochs: every close succeeds and the stored records stay bounded.

mod common;

use common::*;
use cosmwasm_std::Order;
use nous_math::Fixed;
use nous_types::synthesis::*;

#[test]
fn full_active_sets_close_and_score() {
    let mut s = SuiteBuilder::new().workers(40).reputers(8).build();
    for m in 0..8 {
        let r = s.reputers[m].clone();
        s.set_stake(TOPIC, &r, 1_000_000 + m as u128 * 7_919);
    }
    let epochs = 5u64;
    for k in 0..=epochs {
        s.set_height(worker_start(k));
        if k < epochs {
            for w in 0..40u32 {
                let v = truth(k)
                    .checked_add(Fixed::from_ratio(w as i128 * 37 % 23 - 11, 10).unwrap())
                    .unwrap()
                    .to_string();
                let forecast: Option<Vec<(u32, String)>> = (w >= 32).then(|| {
                    (0..16u32)
                        .map(|j| (j * 2, format!("0.{}", (j * 7 + w) % 10)))
                        .collect()
                });
                let inference = (w < 34).then_some(v);
                s.submit(
                    w as usize,
                    k,
                    inference.as_deref(),
                    forecast
                        .as_ref()
                        .map(|f| f.iter().map(|(j, v)| (*j, v.as_str())).collect()),
                )
                .unwrap();
            }
            let e = s.epoch(k);
            assert_eq!(e.inferers.len(), 32);
            assert_eq!(e.forecasters.len(), 6);
        } else {
            s.crank(None).unwrap();
        }
        if k >= 1 {
            s.set_height(worker_start(k) + 1);
            let ni = s.inference(k - 1).unwrap().inference;
            for m in 0..8u32 {
                s.submit_bundle(m as usize, k - 1, bundle_for(&ni, m))
                    .unwrap();
            }
            assert_eq!(s.epoch(k - 1).reputers.len(), 6);
        }
    }
    s.set_height(reputer_start(epochs) + EPOCH);
    s.crank(None).unwrap();
    for k in 0..epochs {
        assert_eq!(s.epoch(k).status, EpochStatus::Scored, "nonce {k}");
    }
    let ni = s.inference(epochs - 1).unwrap().inference;
    assert!(matches!(ni.path, InferencePath::Full { .. }));
    assert_eq!(ni.inferences.len(), 32);
    assert_eq!(ni.forecast_implied.len(), 6);
    // only the pairs a forecaster named (at most 12 each, all even ids here) are listed
    for f in &ni.forecast_implied {
        let named: Vec<u32> = ni
            .one_out_implied
            .iter()
            .filter(|w| w.forecaster == f.worker)
            .map(|w| w.withheld)
            .collect();
        assert!((1..=12).contains(&named.len()), "{named:?}");
        assert!(named.iter().all(|j| j % 2 == 0), "{named:?}");
    }
    assert!(ni.one_out_implied.len() <= 6 * 12);
    assert_eq!(ni.error_bars.len(), 5);

    // the compact read says the same about the newest inference, in a fraction of the bytes
    let value: LatestValue = s.query(&QueryMsg::LatestValue { topic_id: TOPIC }).unwrap();
    assert_eq!((value.nonce, value.path), (ni.nonce, ni.path));
    assert_eq!((value.value, value.inferers), (ni.combined, 32));
    assert_eq!(value.error_bars, ni.error_bars);
    let compact = cosmwasm_std::to_json_vec(&value).unwrap().len();
    let whole = cosmwasm_std::to_json_vec(&s.inference(epochs - 1).unwrap())
        .unwrap()
        .len();
    eprintln!(
        "answer at 32 inferers: LatestValue {compact} bytes, LatestNetworkInference {whole} bytes"
    );
    assert!(compact * 10 < whole, "{compact} vs {whole}");

    // sizes of the stored records (printed for the gas notes)
    let storage = s.app.contract_storage(&s.synthesis);
    let mut by_ns: nous_math::sorted_map::SortedMap<String, (usize, usize)> = Default::default();
    for (k, v) in storage.range(None, None, Order::Ascending) {
        // map keys start with a 2-byte namespace length; item keys are the bare name
        let len = u16::from_be_bytes([k[0], k[1]]) as usize;
        let ns = match k.get(2..2 + len) {
            Some(name) if len > 0 => String::from_utf8_lossy(name).to_string(),
            _ => String::from_utf8_lossy(&k).to_string(),
        };
        let e = by_ns.entry(ns).or_default();
        e.0 += 1;
        e.1 = e.1.max(v.len());
    }
    for (ns, (n, max)) in &by_ns {
        eprintln!("{ns:>12}: {n:>5} records, largest {max:>6} bytes");
    }
}
