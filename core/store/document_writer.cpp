// document_writer.h: the store's backend's writer (backend.h, WriterBackend); what put()
// decides is document_rules.h's, the same on every backend.
#include "store/document_writer.h"

#include "store/backend.h"

namespace strata::store {

DocumentWriter::DocumentWriter(Store& store, std::string collection, std::string config_json, bool record_config)
    : impl_(store.backend().writer(store, std::move(collection), std::move(config_json), record_config)) {}
DocumentWriter::~DocumentWriter() = default;

std::optional<StoredDocument> DocumentWriter::find(const std::string& source) { return impl_->find(source); }
std::optional<std::int64_t> DocumentWriter::known_config_id() { return impl_->known_config_id(); }
std::optional<std::string> DocumentWriter::refusal(const DocumentRecord& doc) const { return impl_->refusal(doc); }
void DocumentWriter::begin() { impl_->begin(); }
void DocumentWriter::commit() { impl_->commit(); }
bool DocumentWriter::in_transaction() const { return impl_->in_transaction(); }
PutResult DocumentWriter::put(const DocumentRecord& doc, bool force) { return impl_->put(doc, force); }
std::vector<StoredDocument> DocumentWriter::files_under(const std::string& folder) {
  return impl_->files_under(folder);
}

std::vector<StoredDocument> DocumentWriter::documents_under(const std::string& folder, std::size_t limit) {
  return impl_->documents_under(folder, limit);
}
std::vector<MisnamedDocument> DocumentWriter::documents_named_apart(const std::string& root) {
  return impl_->documents_named_apart(root);
}
void DocumentWriter::rename(std::int64_t document_id, const std::string& source) { impl_->rename(document_id, source); }
void DocumentWriter::remove(std::int64_t document_id) { impl_->remove(document_id); }

}  // namespace strata::store
