#pragma once
// M/M/c queueing (Erlang C), used for the time a request waits for a free decode slot.
namespace plan::queueing {

// Probability that an arrival waits, for `servers` servers and offered load
// `a` = arrival rate / service rate of one server (in Erlangs). 1 when a >= servers
// (the queue is unstable); 0 for a <= 0.
double erlang_c(long servers, double a);

// The p-quantile (0 < p < 1) of the waiting time, in the unit of 1 / service_rate:
// P(W > t) = C(c, a) * exp(-(c * mu - lambda) * t), so t_p = ln(C / (1 - p)) / (c * mu - lambda)
// when C > 1 - p, else 0. Infinity when the queue is unstable.
double wait_quantile(long servers, double arrival_rate, double service_rate, double p);

// The same with the probability of waiting `pw` = erlang_c(c, lambda / mu) already known.
double wait_quantile_given(double pw, long servers, double arrival_rate, double service_rate, double p);

// Mean waiting time C(c, a) / (c * mu - lambda); infinity when unstable.
double mean_wait(long servers, double arrival_rate, double service_rate);

}  // namespace plan::queueing
