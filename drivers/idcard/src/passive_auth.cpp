#include "kiosk/idcard/passive_auth.h"

#include <fstream>
#include <iterator>

#include "kiosk/core/encoding.h"
#include "kiosk/core/hash.h"

namespace kiosk::idcard {

using core::Expected;

const char* ToString(CheckState state) {
  switch (state) {
    case CheckState::kNotChecked:
      return "not checked";
    case CheckState::kVerified:
      return "verified";
    case CheckState::kFailed:
      return "failed";
  }
  return "?";
}

bool AuthenticityReport::AnyFailed() const {
  if (sod_signature.state == CheckState::kFailed ||
      certificate_chain.state == CheckState::kFailed ||
      active_authentication.state == CheckState::kFailed) {
    return true;
  }
  for (const auto& [number, check] : data_groups) {
    if (check.state == CheckState::kFailed) return true;
  }
  return false;
}

std::string AuthenticityReport::Verdict() const {
  if (AnyFailed()) {
    std::string why;
    auto add = [&why](const std::string& what) { why += (why.empty() ? "" : "; ") + what; };
    if (sod_signature.state == CheckState::kFailed) add("SOD signature: " + sod_signature.detail);
    if (certificate_chain.state == CheckState::kFailed) {
      add("certificate chain: " + certificate_chain.detail);
    }
    for (const auto& [number, check] : data_groups) {
      if (check.state == CheckState::kFailed)
        add("DG" + std::to_string(number) + ": " + check.detail);
    }
    if (active_authentication.state == CheckState::kFailed) {
      add("active authentication: " + active_authentication.detail);
    }
    return "verification failed: " + why;
  }
  bool all_groups = !data_groups.empty();
  for (const auto& [number, check] : data_groups) {
    all_groups = all_groups && check.state == CheckState::kVerified;
  }
  if (sod_signature.state != CheckState::kVerified || !all_groups) return "not verified";
  if (certificate_chain.state != CheckState::kVerified)
    return "signature valid, chain not verified";
  return "authentic";
}

Expected<TrustStore> TrustStore::LoadDirectory(const std::filesystem::path& dir) {
  TrustStore store;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return core::Error::NeedsPerson("trust.unreadable", "CSCA folder not found: " + dir.string());
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    if (bytes.find("-----BEGIN CERTIFICATE-----") != std::string::npos) {
      auto certs = core::ParsePemBundle(bytes);
      if (!certs) return std::move(certs).GetError().WithContext(entry.path().string());
      for (auto& cert : *certs) store.Add(std::move(cert));
    } else {
      auto cert = core::Certificate::FromDer(core::AsBytes(bytes));
      if (!cert) return std::move(cert).GetError().WithContext(entry.path().string());
      store.Add(std::move(cert).Value());
    }
  }
  return store;
}

namespace {

Check VerifySignature(const SecurityObject& sod, const core::Certificate& signer) {
  if (sod.message_digest) {
    auto content_digest = core::Digest(sod.digest, sod.content);
    if (!content_digest || *content_digest != *sod.message_digest) {
      return {CheckState::kFailed, "messageDigest does not match the security object"};
    }
  }
  auto key = signer.SubjectPublicKey();
  if (!key) return {CheckState::kFailed, "document signer key unreadable"};
  auto digest = core::Digest(sod.signature_hash, sod.signed_bytes);
  if (!digest) return {CheckState::kFailed, digest.GetError().ToString()};
  core::Status verified = sod.scheme == SignatureScheme::kRsaPss
                              ? key->VerifyPss(sod.signature_hash, *digest, sod.signature)
                              : key->Verify(sod.signature_hash, *digest, sod.signature);
  if (!verified) return {CheckState::kFailed, "signature does not verify with the document signer"};
  return {CheckState::kVerified, std::string("signed by ") + signer.Subject() + " (" +
                                     core::ToString(sod.signature_hash) + ")"};
}

}  // namespace

void VerifyPassive(const SecurityObject& sod, const std::map<int, Bytes>& data_groups_read,
                   const TrustStore& trust, core::WallTime now, AuthenticityReport& report) {
  // Data groups against their hashes, with the algorithm the SOD names.
  for (const auto& [number, bytes] : data_groups_read) {
    auto expected = sod.data_group_hashes.find(number);
    if (expected == sod.data_group_hashes.end()) {
      report.data_groups[number] = {CheckState::kFailed, "no hash for this data group in the SOD"};
      continue;
    }
    auto digest = core::Digest(sod.hash, bytes);
    if (digest && *digest == expected->second) {
      report.data_groups[number] = {CheckState::kVerified, core::ToString(sod.hash)};
    } else {
      report.data_groups[number] = {CheckState::kFailed, "hash does not match the SOD"};
    }
  }

  if (sod.certificates.empty()) {
    report.sod_signature = {CheckState::kNotChecked,
                            "the SOD carries no document signer certificate"};
    report.certificate_chain = {CheckState::kNotChecked, "no document signer certificate"};
    return;
  }
  // The signer is the certificate whose serial the SignerInfo names; with a
  // key identifier instead, the first certificate.
  const core::Certificate* signer = &sod.certificates.front();
  const std::string wanted = core::HexEncode(sod.signer_serial);
  for (const auto& cert : sod.certificates) {
    if (!wanted.empty() && cert.SerialHex() == wanted) signer = &cert;
  }
  report.sod_signature = VerifySignature(sod, *signer);
  if (report.sod_signature.state != CheckState::kVerified) {
    report.certificate_chain = {CheckState::kNotChecked, "SOD signature did not verify"};
    return;
  }
  bool have_issuer = false;
  for (const auto& anchor : trust.Anchors()) have_issuer |= anchor.Subject() == signer->Issuer();
  if (!have_issuer) {
    report.certificate_chain = {
        CheckState::kNotChecked,
        "no CSCA for the issuer " + signer->Issuer() + " in the trust store"};
    return;
  }
  auto chain = core::VerifyChain(*signer, {}, trust.Anchors(), now);
  if (chain) {
    report.certificate_chain = {CheckState::kVerified, "chains to " + signer->Issuer()};
  } else {
    report.certificate_chain = {CheckState::kFailed, chain.GetError().Message()};
  }
}

}  // namespace kiosk::idcard
