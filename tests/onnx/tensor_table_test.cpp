// The scope tensor table: entries keep their address while the table grows past several chunks, iteration follows
// insertion order, and lookups see exactly what was inserted.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "onnx/tensor_table.h"

namespace trtlens {
namespace {

TEST(TensorTable, AddressesStayPutAndOrderIsInsertionOrder) {
  // 150k names: more than two 64k chunks, with a small first chunk so growth happens early.
  std::vector<std::string> names;
  for (int i = 0; i < 150000; ++i) names.push_back("tensor/" + std::to_string((i * 7919) % 150000));
  NamedTable<int> table;
  table.reserve(100);
  std::vector<int*> addresses;
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto [value, fresh] = table.try_emplace(names[i]);
    ASSERT_TRUE(fresh) << names[i];
    *value = static_cast<int>(i);
    addresses.push_back(value);
  }
  EXPECT_EQ(table.size(), names.size());
  for (std::size_t i = 0; i < names.size(); i += 997) {
    EXPECT_EQ(table.find(names[i]), addresses[i]);
    EXPECT_EQ(*table.find(names[i]), static_cast<int>(i));
  }
  std::size_t k = 0;
  for (const auto& [name, value] : table) {
    ASSERT_LT(k, names.size());
    EXPECT_EQ(name, names[k]);
    EXPECT_EQ(value, static_cast<int>(k));
    ++k;
  }
  EXPECT_EQ(k, names.size());
}

TEST(TensorTable, DuplicatesAndMissingNames) {
  NamedTable<int> table;
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(table.begin(), table.end());
  auto [a, fresh_a] = table.try_emplace("a");
  *a = 1;
  auto [again, fresh_again] = table.try_emplace("a");
  EXPECT_TRUE(fresh_a);
  EXPECT_FALSE(fresh_again);
  EXPECT_EQ(again, a);
  EXPECT_EQ(*again, 1);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.find("b"), nullptr);
  EXPECT_FALSE(table.contains("b"));
  EXPECT_EQ(table.count("a"), 1u);
  EXPECT_EQ(table.find(""), nullptr);
}

}  // namespace
}  // namespace trtlens
