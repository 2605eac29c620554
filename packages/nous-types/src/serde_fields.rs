//! A field-by-field JSON reader for large message structs (see the macro's comment).

/// Implements `Deserialize` for a struct with named fields, equivalent to serde's derive
/// with `deny_unknown_fields` (every field required, at most once, no unknown field; JSON
/// objects only), starting from `$init` and overwriting each field as it arrives.
///
/// Why: the derive keeps every half-read field in an `Option` local of one function, and
/// a struct with many wide fields (`Decimal`, `Uint128`: three Wasm locals each) goes over
/// the 100 locals per function the VM accepts once the contracts are built for size
/// (`scripts/build-wasm.sh`). Here each field is written through a pointer instead. Use it
/// with `#[derive(Serialize, JsonSchema)]` and the same serde/schemars attributes as
/// `#[cw_serde]` (see `GlobalParams`), so the JSON and the schema stay the same.
#[macro_export]
macro_rules! deserialize_by_field {
    ($ty:ident = $init:expr; $($field:ident),+ $(,)?) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                const FIELDS: &[&str] = &[$(stringify!($field)),+];

                /// Reads the value of `key` into `out`; false for an unknown key.
                #[inline(never)]
                fn read_field<'de, A: serde::de::MapAccess<'de>>(
                    map: &mut A,
                    key: &str,
                    out: &mut $ty,
                    seen: &mut u64,
                ) -> Result<bool, A::Error> {
                    let mut bit = 0u32;
                    $(
                        if key == stringify!($field) {
                            if *seen & (1u64 << bit) != 0 {
                                return Err(serde::de::Error::duplicate_field(stringify!($field)));
                            }
                            *seen |= 1u64 << bit;
                            out.$field = map.next_value()?;
                            return Ok(true);
                        }
                        bit += 1;
                    )+
                    let _ = bit;
                    Ok(false)
                }

                struct FieldVisitor;
                impl<'de> serde::de::Visitor<'de> for FieldVisitor {
                    type Value = $ty;

                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($ty)))
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$ty, A::Error> {
                        let mut out: $ty = $init;
                        let mut seen = 0u64;
                        while let Some(key) = map.next_key::<String>()? {
                            if !read_field(&mut map, &key, &mut out, &mut seen)? {
                                return Err(serde::de::Error::unknown_field(&key, FIELDS));
                            }
                        }
                        if let Some(missing) = (0..FIELDS.len()).find(|i| seen & (1u64 << i) == 0) {
                            return Err(serde::de::Error::missing_field(FIELDS[missing]));
                        }
                        Ok(out)
                    }
                }

                d.deserialize_struct(stringify!($ty), FIELDS, FieldVisitor)
            }
        }
    };
}
