#pragma once
// Owned hardware: the monthly accrual cost of bought servers and their cash schedule
// (docs/finance.md "Owned hardware"). The fleet path (fleet.hpp) charges these lines for an
// owned fleet instead of an hourly instance price. A month is 730 hours. Pure functions.
#include "plan/core/data/profile.hpp"

namespace plan {

// Payment per period of a loan of `principal` over `periods` periods at `rate_per_period`
// that leaves `balloon` owed at the end (paid off by selling the hardware at its residual
// value): (principal - balloon (1 + r)^-n) r / (1 - (1 + r)^-n), the capital-recovery formula
// with a salvage value; P r / (1 - (1 + r)^-n) when nothing is left owed; (principal -
// balloon) / n at r = 0.
double annuity_payment(double principal, double rate_per_period, int periods, double balloon = 0);

// One month of an owned fleet in service, USD, the whole fleet.
struct OwnedMonthlyCost {
  double amortization = 0;  // straight line (purchase - residual) / months, or the loan payment
  double energy = 0;        // facility energy: IT draw x PUE x 730 h x price
  double colocation = 0;    // per kW of IT power (power_kw), or the flat facility amount
  double maintenance = 0;   // share per year x purchase / 12
  double total() const { return amortization + energy + colocation + maintenance; }
};

// Average IT power one server draws at `utilization` (0..1), kW:
// power_kw x (idle_power_share + (1 - idle_power_share) x utilization).
double owned_power_kw(const OwnedHardware& h, double utilization);

// Accrual cost of one month in service at `utilization` (time-averaged demand over the
// capacity of every replica the servers hold).
OwnedMonthlyCost owned_monthly_cost(const OwnedHardware& h, double utilization);

// Whether the servers serve in month m (0-based): from lead_time_months on.
bool owned_in_service(const OwnedHardware& h, int m);

// Cash paid for the servers themselves in month m (0-based), the whole fleet, USD; negative
// when the residual value comes back. Bought outright: the purchase in month 0 (the order),
// the residual back in the last month of each amortisation period, and a replacement bought
// the month after (so a horizon longer than the servers' life keeps its capacity). Financed:
// the loan payment in every month in service, nothing up front, and no residual line (the
// sale pays off what the loan leaves owed).
double owned_capital_cash(const OwnedHardware& h, int m);

}  // namespace plan
