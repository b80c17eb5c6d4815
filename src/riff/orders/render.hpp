#pragma once
// The JSON forms of the orders module's types. Included by routes files only.

#include <boost/json.hpp>

#include "riff/orders/cart.hpp"
#include "riff/orders/checkout.hpp"

namespace riff::orders {

boost::json::object cart_json(const Cart& cart);
/// An order as `viewer` sees it: the seller also sees riff's fee, the
/// commissions and their own share.
boost::json::object order_json(const Order& o, Id viewer);
boost::json::object checkout_json(const Checkout& c);
boost::json::object quote_json(const Quote& q);
boost::json::object shipping_option_json(const ShippingOption& o);
boost::json::object coupon_json(const Coupon& c);
boost::json::object return_json(const ReturnRequest& r);

}  // namespace riff::orders
