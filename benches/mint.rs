//! In-process cost of the two steps of a mint: parsing a key and signing a token.
//! `cargo bench --bench mint`; the whole-process figures come from `scripts/bench.sh`.

use std::hint::black_box;

use asc_jwt::mint::key;
use asc_jwt::mint::token::{self, Api, KeyType, TokenSpec};
use base64::Engine as _;
use criterion::{Criterion, criterion_group, criterion_main};

fn benches(c: &mut Criterion) {
    let pem = include_str!("../tests/fixtures/test-only-p256.p8");
    let sec1_nopub = include_str!("../tests/fixtures/test-only-p256-sec1-nopub.pem");
    let base64_pem = base64::engine::general_purpose::STANDARD.encode(pem);
    let spec = TokenSpec {
        key_id: "TESTKEY123".into(),
        issuer_id: Some("57246542-96fe-1a63-e053-0824d011072a".into()),
        key_type: KeyType::Team,
        api: Api::AppStoreConnect,
        duration: 1200,
        scope: None,
        ..Default::default()
    };
    let parsed = key::parse(pem.as_bytes()).expect("test key parses");

    c.bench_function("parse pkcs8 pem", |b| {
        b.iter(|| key::parse(black_box(pem.as_bytes())))
    });
    c.bench_function("parse base64 of pem", |b| {
        b.iter(|| key::parse(black_box(base64_pem.as_bytes())))
    });
    c.bench_function("parse sec1 without public key", |b| {
        b.iter(|| key::parse(black_box(sec1_nopub.as_bytes())))
    });
    c.bench_function("mint token", |b| {
        b.iter(|| token::mint(black_box(&spec), black_box(&parsed), 1_800_000_000))
    });
}

criterion_group!(mint, benches);
criterion_main!(mint);
