// A capped label value cannot be built from a raw index, even in the module that declares
// it: `MerchantId(4)` with `cap = 3` would lose its count or index past the storage.
metrics_runtime::capped_label! {
    /// Merchants.
    pub struct MerchantId(cap = 3);
}

fn main() {
    let _ = MerchantId(4);
}
