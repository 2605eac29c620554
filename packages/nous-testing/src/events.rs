//! Reading a cw-multi-test result: event attributes and a contract's typed error.

use cw_multi_test::AppResponse;

/// The value of the first attribute named `key` in any event of `res`.
pub fn attr(res: &AppResponse, key: &str) -> Option<String> {
    res.events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
}

/// The value of attribute `key` in the first `wasm` event whose `action` is `action`.
pub fn wasm_attr(res: &AppResponse, action: &str, key: &str) -> Option<String> {
    res.events
        .iter()
        .filter(|e| e.ty == "wasm")
        .find(|e| {
            e.attributes
                .iter()
                .any(|a| a.key == "action" && a.value == action)
        })
        .and_then(|e| e.attributes.iter().find(|a| a.key == key))
        .map(|a| a.value.clone())
}

/// A contract's typed error `E` anywhere in a multi-test error's chain (cw-multi-test
/// wraps it in context layers: "error executing WasmMsg", ...).
pub fn contract_error<E>(err: &anyhow::Error) -> Option<&E>
where
    E: std::error::Error + Send + Sync + 'static,
{
    err.downcast_ref::<E>()
        .or_else(|| err.chain().find_map(|e| e.downcast_ref::<E>()))
}
