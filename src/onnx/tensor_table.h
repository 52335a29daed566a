// One scope's tensors by name. Built once per graph of 100k+ nodes and probed for every node input, so it is an
// open-addressing hash index (abseil's flat_hash_map) over entries stored in fixed-size chunks: entries never move
// (the index hands out TensorInfo pointers that must stay valid), iteration follows insertion order (so reports are
// deterministic), and a 200k-tensor scope costs a few hundred allocations instead of one per tensor.
#pragma once
#include <absl/container/flat_hash_map.h>

#include <cstddef>
#include <iterator>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace trtlens {

template <typename Info>
class NamedTable {
 public:
  using value_type = std::pair<const std::string_view, Info>;

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = NamedTable::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;
    const_iterator() = default;
    const_iterator(const NamedTable* table, std::size_t pos) : table_(table), pos_(pos) {}
    reference operator*() const { return table_->at(pos_); }
    pointer operator->() const { return &table_->at(pos_); }
    const_iterator& operator++() {
      ++pos_;
      return *this;
    }
    const_iterator operator++(int) {
      auto copy = *this;
      ++pos_;
      return copy;
    }
    bool operator==(const const_iterator& o) const { return pos_ == o.pos_; }

   private:
    const NamedTable* table_ = nullptr;
    std::size_t pos_ = 0;
  };

  NamedTable() = default;
  NamedTable(const NamedTable&) = delete;
  NamedTable& operator=(const NamedTable&) = delete;
  NamedTable(NamedTable&&) noexcept = default;
  NamedTable& operator=(NamedTable&&) noexcept = default;

  // Sizes the hash index and the first chunk for `n` entries (more may still be added).
  void reserve(std::size_t n) {
    index_.reserve(n);
    if (chunks_.empty()) chunk_size_ = n < kMinChunk ? kMinChunk : (n > kMaxChunk ? kMaxChunk : n);
  }

  // The entry for `name` (created empty when absent) and whether it was created. `name` must outlive the table.
  std::pair<Info*, bool> try_emplace(std::string_view name) {
    auto [it, fresh] = index_.try_emplace(name, nullptr);
    if (fresh) it->second = &append(name);
    return {&it->second->second, fresh};
  }

  Info* find(std::string_view name) {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &it->second->second;
  }
  const Info* find(std::string_view name) const {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &it->second->second;
  }
  bool contains(std::string_view name) const { return index_.contains(name); }
  std::size_t count(std::string_view name) const { return contains(name) ? 1 : 0; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

 private:
  static constexpr std::size_t kMinChunk = 16;
  static constexpr std::size_t kMaxChunk = 1 << 16;

  value_type& append(std::string_view name) {
    if (chunks_.empty() || chunks_.back().size() == chunks_.back().capacity()) {
      chunks_.emplace_back();
      chunks_.back().reserve(chunks_.size() == 1 ? chunk_size_ : kMaxChunk);
      starts_.push_back(size_);
    }
    ++size_;
    return chunks_.back().emplace_back(std::piecewise_construct, std::forward_as_tuple(name), std::forward_as_tuple());
  }

  const value_type& at(std::size_t pos) const {
    std::size_t c = 0;  // few chunks: the first holds the reserved count, later ones kMaxChunk each
    while (c + 1 < starts_.size() && starts_[c + 1] <= pos) ++c;
    return chunks_[c][pos - starts_[c]];
  }

  std::vector<std::vector<value_type>> chunks_;  // never reallocated past their reserve: entries stay put
  std::vector<std::size_t> starts_;              // position of each chunk's first entry
  std::size_t chunk_size_ = kMinChunk;
  std::size_t size_ = 0;
  absl::flat_hash_map<std::string_view, value_type*> index_;
};

}  // namespace trtlens
