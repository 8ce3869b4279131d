/* cm-pricing-bill.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The billing rules: a request's tokens to exact money.
 *
 * Each token class costs tokens x rate, the rate in 1e-4 USD per million
 * tokens, which is a whole number of 1e-10 USD (CmMoney). The rate is the
 * one in force when the request was sent, and the long-context rate for
 * every class of a request whose prompt (input + cache writes + cache reads)
 * is above the threshold. Fast mode and US-only inference multiply every
 * token class (not the web-search fee) by the model's published factors;
 * both stack with each other and with long-context and caching rates, as
 * Anthropic bills them. A factor has 4 decimals (1.1 = 11000 / 10000), so
 * tokens x rate x speed x geo is computed exactly in 128 bits and divided by
 * 10^8 once, rounding to the nearest 1e-10 USD (halves to even). With the
 * published rates (whole 1e-3 USD) and factors (2, 6, 1.1) the division is
 * always exact: nothing is rounded in practice. */

#include "config.h"

#include <string.h>

#include "cm-pricing-private.h"

/* Overflow saturates: a count this large is corrupt data, and the maximum
 * makes it stand out instead of wrapping to a plausible figure. */
static CmMoney
mul_sat (gint64 tokens,
         gint64 price)
{
  gint64 r;

  if (tokens <= 0 || price <= 0)
    return 0;
  if (__builtin_mul_overflow (tokens, price, &r))
    return G_MAXINT64;

  return r;
}

static CmMoney
add_sat (CmMoney a,
         CmMoney b)
{
  CmMoney r;

  if (__builtin_add_overflow (a, b, &r))
    return G_MAXINT64;

  return r;
}

#define FACTOR_SCALE ((unsigned __int128) CM_MULTIPLIER_ONE * CM_MULTIPLIER_ONE)

/* tokens x rate x @factor / FACTOR_SCALE, rounded half to even. */
static CmMoney
charge (gint64 tokens,
        gint64 rate,
        gint64 factor)
{
  unsigned __int128 x, q, r;

  if (tokens <= 0 || rate <= 0)
    return 0;
  if (factor == (gint64) FACTOR_SCALE)
    return mul_sat (tokens, rate);

  /* Factors are at most 100 x 100 (10^12 < 2^40 in these units): below
   * 2^87 the product stays inside 128 bits. */
  x = (unsigned __int128) tokens * (unsigned __int128) rate;
  if (x > ((unsigned __int128) 1 << 87))
    return G_MAXINT64;
  x *= (unsigned __int128) factor;
  q = x / FACTOR_SCALE;
  r = x % FACTOR_SCALE;
  if (2 * r > FACTOR_SCALE || (2 * r == FACTOR_SCALE && (q & 1)))
    q++;

  return q > (unsigned __int128) G_MAXINT64 ? G_MAXINT64 : (CmMoney) q;
}

static gboolean
is_standard_speed (const char *speed)
{
  return speed == NULL || *speed == '\0' || g_ascii_strcasecmp (speed, "standard") == 0;
}

static gboolean
is_standard_geo (const char *geo)
{
  return geo == NULL || *geo == '\0' || g_ascii_strcasecmp (geo, "global") == 0 ||
         g_ascii_strcasecmp (geo, "not_available") == 0;
}

/* The factor for @value, CM_MULTIPLIER_ONE for a standard one, 0 when the
 * model publishes none for it. */
static gint64
factor_for (GArray     *multipliers,
            const char *value,
            gboolean    standard)
{
  if (standard)
    return CM_MULTIPLIER_ONE;

  for (guint i = 0; multipliers != NULL && i < multipliers->len; i++)
    {
      const Multiplier *m = &g_array_index (multipliers, Multiplier, i);

      if (g_ascii_strcasecmp (m->value, value) == 0)
        return m->factor;
    }

  return 0;
}

/* A backend's own rates, else the rates in force at @timestamp_ms. */
static const RateSet *
rates_for (const Model *model,
           CmBackend    backend,
           gint64       timestamp_ms)
{
  if (backend < CM_N_BACKENDS && model->backends[backend] != NULL)
    return model->backends[backend];

  for (guint i = 0; timestamp_ms > 0 && model->periods != NULL && i < model->periods->len; i++)
    {
      const Period *p = &g_array_index (model->periods, Period, i);

      if (timestamp_ms < p->until_ms)
        return &p->rates;
    }

  return &model->rates;
}

gboolean
cm_pricing_is_estimated_backend (CmPricing  *self,
                                 const char *canonical,
                                 CmBackend   backend)
{
  Model *model;

  g_return_val_if_fail (CM_IS_PRICING (self), FALSE);

  if (backend >= CM_N_BACKENDS || (self->estimated_mask & (1u << backend)) == 0)
    return FALSE;

  model = cm_pricing_find_model (self, canonical);

  return model == NULL || model->backends[backend] == NULL;
}

gboolean
cm_pricing_price_request (CmPricing            *self,
                          const CmPriceRequest *request,
                          CmCost               *cost)
{
  const CmUsage *usage;
  const RateSet *set;
  const Rates *r;
  Model *model;
  gint64 prompt, threshold, speed, geo, factor;
  gboolean fast;

  g_return_val_if_fail (CM_IS_PRICING (self), FALSE);
  g_return_val_if_fail (request != NULL && request->usage != NULL, FALSE);
  g_return_val_if_fail (cost != NULL, FALSE);

  memset (cost, 0, sizeof *cost);
  usage = request->usage;

  model = cm_pricing_find_model (self, request->model);
  if (model == NULL)
    return FALSE;

  /* A speed or geography without a published factor is not standard. */
  fast = !is_standard_speed (request->speed);
  speed = factor_for (model->speeds, request->speed, !fast);
  geo = factor_for (model->geos, request->inference_geo, is_standard_geo (request->inference_geo));
  if (speed == 0 || geo == 0)
    return FALSE;
  factor = speed * geo;

  set = rates_for (model, request->backend, request->timestamp_ms);
  if (request->backend >= CM_N_BACKENDS || set != model->backends[request->backend])
    cost->estimated = request->backend < CM_N_BACKENDS &&
                      (self->estimated_mask & (1u << request->backend)) != 0;

  prompt = add_sat (add_sat (MAX (usage->input, 0), MAX (usage->cache_write_5m, 0)),
                    add_sat (MAX (usage->cache_write_1h, 0), MAX (usage->cache_read, 0)));
  threshold = set->threshold > 0 ? set->threshold : self->long_context_threshold;
  cost->long_context = set->has_long && prompt > threshold && (!fast || set->long_fast);
  r = cost->long_context ? &set->long_context : &set->base;

  cost->input = charge (usage->input, r->input, factor);
  cost->output = charge (usage->output, r->output, factor);
  cost->cache_write_5m = charge (usage->cache_write_5m, r->cache_write_5m, factor);
  cost->cache_write_1h = charge (usage->cache_write_1h, r->cache_write_1h, factor);
  cost->cache_read = charge (usage->cache_read, r->cache_read, factor);
  /* price units per 1000 searches -> CmMoney per search:
   * x * (1e10 / 1e4) / 1000 = x * 1e6 / 1000. A search is not a token: no
   * multiplier. */
  cost->web_search = mul_sat (usage->web_search,
                              mul_sat (self->web_search_per_1000,
                                       CM_MONEY_PER_USD / CM_PRICE_UNITS_PER_USD / 1000));

  cost->total = add_sat (add_sat (add_sat (cost->input, cost->output),
                                  add_sat (cost->cache_write_5m, cost->cache_write_1h)),
                         add_sat (cost->cache_read, cost->web_search));

  return TRUE;
}

gboolean
cm_pricing_price (CmPricing     *self,
                  const char    *canonical,
                  CmBackend      backend,
                  const CmUsage *usage,
                  CmCost        *cost)
{
  CmPriceRequest request = { canonical, backend, usage, NULL, NULL, 0 };

  g_return_val_if_fail (usage != NULL, FALSE);

  return cm_pricing_price_request (self, &request, cost);
}
