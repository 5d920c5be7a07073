//! The `jsonwebtoken` CryptoProvider this crate installs: ES256 signing with `ring`, nothing else.
//!
//! `ring`'s `ECDSA_P256_SHA256_FIXED_SIGNING` yields the 64-byte r‖s signature RFC 7518
//! requires (a DER signature is the classic cause of Apple's 401). Verification and JWK
//! helpers are not needed to mint, so they answer with an error instead of panicking.

use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{ErrorKind, Result, new_error};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use ring::rand::SystemRandom;
use ring::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _,
    UnparsedPublicKey,
};

use crate::mint::key::P256Key;

/// Signs ES256 with a PKCS#8 P-256 key.
pub struct Es256Signer {
    pair: EcdsaKeyPair,
    rng: SystemRandom,
}

impl signature::Signer<Vec<u8>> for Es256Signer {
    fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
        let signature = self
            .pair
            .sign(&self.rng, message)
            .map_err(|_| signature::Error::new())?;
        Ok(signature.as_ref().to_vec())
    }
}

impl JwtSigner for Es256Signer {
    fn algorithm(&self) -> Algorithm {
        Algorithm::ES256
    }
}

fn new_signer(algorithm: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
    if *algorithm != Algorithm::ES256 {
        return Err(new_error(ErrorKind::InvalidAlgorithm));
    }
    let rng = SystemRandom::new();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, key.as_bytes(), &rng)
        .map_err(|_| new_error(ErrorKind::InvalidEcdsaKey))?;
    Ok(Box::new(Es256Signer { pair, rng }))
}

fn no_verifier(_: &Algorithm, _: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
    Err(new_error(ErrorKind::InvalidAlgorithm))
}

fn unsupported<T>() -> Result<T> {
    Err(new_error(ErrorKind::InvalidAlgorithm))
}

/// ES256 signing only.
pub static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: new_signer,
    verifier_factory: no_verifier,
    key_utils: KeyUtils {
        rsa_pub_components_from_private_key: |_| unsupported(),
        rsa_pub_components_from_public_key: |_| unsupported(),
        ec_pub_components_from_private_key: |_, _| unsupported(),
        ed_pub_components_from_private_key: |_, _| unsupported(),
        compute_digest: |_, _| unsupported(),
    },
};

/// Makes [`PROVIDER`] the process default; later calls are no-ops.
pub fn install() {
    // Err only means a provider is already installed, which can only be this one.
    let _ = PROVIDER.install_default();
}

/// The key's public point (65 bytes, uncompressed); `None` when the public key it embeds
/// is not its own (`ring` checks the pair).
pub fn public_point(key: &P256Key) -> Option<Vec<u8>> {
    let rng = SystemRandom::new();
    EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, key.pkcs8_der(), &rng)
        .ok()
        .map(|pair| pair.public_key().as_ref().to_vec())
}

/// Whether `signature`, 64 bytes r‖s, is an ES256 signature of `message` by `point`.
pub fn verifies(point: &[u8], message: &[u8], signature: &[u8]) -> bool {
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point)
        .verify(message, signature)
        .is_ok()
}
