#include "plan/core/options/owned.hpp"

#include <algorithm>
#include <cmath>

#include "plan/core/data/hardware.hpp"
#include "plan/core/base/units.hpp"

namespace plan {

double annuity_payment(double principal, double rate_per_period, int periods, double balloon) {
  if (periods <= 0) return 0;
  if (rate_per_period <= 0) return (principal - balloon) / periods;
  const double discount = std::pow(1.0 + rate_per_period, -periods);
  return (principal - balloon * discount) * rate_per_period / (1.0 - discount);
}

double owned_power_kw(const OwnedHardware& h, double utilization) {
  const double u = std::clamp(utilization, 0.0, 1.0);
  return h.power_kw * (h.idle_power_share + (1.0 - h.idle_power_share) * u);
}

namespace {

// Accrual of one server's purchase per month in service.
double amortization_per_server(const OwnedHardware& h) {
  const double residual = h.residual_share * h.purchase_usd;
  if (h.financing_rate_per_year)
    return annuity_payment(h.purchase_usd, *h.financing_rate_per_year / 12.0, h.amortization_months, residual);
  return (h.purchase_usd - residual) / h.amortization_months;
}

}  // namespace

OwnedMonthlyCost owned_monthly_cost(const OwnedHardware& h, double utilization) {
  const double servers = h.servers;
  OwnedMonthlyCost c;
  c.amortization = servers * amortization_per_server(h);
  c.energy = servers * owned_power_kw(h, utilization) * h.pue * hours_per_month * h.usd_per_kwh;
  c.colocation = h.facility_per_month ? *h.facility_per_month
                                      : servers * h.power_kw * h.colocation_per_kw_month.value_or(0);
  c.maintenance = servers * h.maintenance_share_per_year * h.purchase_usd / 12.0;
  return c;
}

bool owned_in_service(const OwnedHardware& h, int m) { return m >= h.lead_time_months; }

double owned_capital_cash(const OwnedHardware& h, int m) {
  const double servers = h.servers;
  if (!owned_in_service(h, m)) return h.financing_rate_per_year || m != 0 ? 0.0 : servers * h.purchase_usd;
  if (h.financing_rate_per_year) return servers * amortization_per_server(h);
  const int age = m - h.lead_time_months;  // months in service before this one
  double cash = 0;
  if (m == 0 || (age > 0 && age % h.amortization_months == 0)) cash += servers * h.purchase_usd;
  if ((age + 1) % h.amortization_months == 0) cash -= servers * h.residual_share * h.purchase_usd;
  return cash;
}

}  // namespace plan

namespace plan {

const HardwareEntry* HardwareList::find(const std::string& id) const {
  for (const auto& e : entries)
    if (e.id == id) return &e;
  return nullptr;
}

}  // namespace plan
