/* cm-store-replays.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The sidechain rule's bookkeeping, in memory.
 *
 * A sidechain replay (/btw) repeats a main-thread message under a new
 * request id; when both copies are stored only the main-thread one counts.
 * The store keeps that true after every commit, so a commit only has to
 * look at the message ids it wrote, and among those only at the ids that
 * may now be stored both ways.
 *
 * While the write connection has filled the database from empty (a first
 * scan) and nobody else wrote meanwhile (PRAGMA data_version), a table of
 * 30-bit fingerprints of the ids written, each with the kinds written
 * (main, sidechain), is a superset of what is stored: an id is looked up in
 * the database only when both kinds were written under its fingerprint. A
 * fingerprint shared by two ids costs one look-up too many, never a missed
 * one. Otherwise (a database that had messages before) every id written is
 * looked up, as before, but from a set in memory rather than a temporary
 * table. */

#include "config.h"

#include "cm-store-private.h"

#define KIND_MAIN      1u
#define KIND_SIDECHAIN 2u
#define KINDS          3u

struct _CmReplays
{
  gboolean      tracking;      /* fingerprints describe every stored id */
  gint64        data_version;  /* at the last begin */
  guint32      *slots;         /* fingerprint << 2 | kinds; 0 = empty */
  guint         n_bits;        /* log2 of the number of slots */
  guint         n_used;
  GHashTable   *pending;       /* ids to look up at the commit (owned) */
  sqlite3_stmt *drop;
  sqlite3_stmt *data_version_stmt;
};

/* Only the sidechain copies, and only when a main-thread copy exists. Every
 * copy of one id sits in one range of the dedup key index ("m:" id U+001F
 * request); the unary + keeps the planner on it. */
static const char drop_sql[] =
  "DELETE FROM messages WHERE dkey >= 'm:' || ?1 || char (31) AND dkey < 'm:' || ?1 || char (32)"
  " AND +sidechain = 1 AND EXISTS (SELECT 1 FROM messages k"
  "  WHERE k.dkey >= 'm:' || ?1 || char (31) AND k.dkey < 'm:' || ?1 || char (32) AND +k.sidechain = 0)";

CmReplays *
cm_replays_new (sqlite3  *db,
                GError  **error)
{
  CmReplays *r = g_new0 (CmReplays, 1);
  int rc;

  r->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  rc = sqlite3_prepare_v3 (db, drop_sql, -1, SQLITE_PREPARE_PERSISTENT, &r->drop, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (db, "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT,
                             &r->data_version_stmt, NULL);
  if (rc != SQLITE_OK)
    {
      cm_sqlite_set_error (error, db, rc, "prepare");
      cm_replays_free (r);
      return NULL;
    }

  return r;
}

static void
forget_fingerprints (CmReplays *r)
{
  g_clear_pointer (&r->slots, g_free);
  r->n_bits = 0;
  r->n_used = 0;
  r->tracking = FALSE;
}

void
cm_replays_free (CmReplays *r)
{
  if (r == NULL)
    return;

  forget_fingerprints (r);
  g_hash_table_unref (r->pending);
  sqlite3_finalize (r->drop);
  sqlite3_finalize (r->data_version_stmt);
  g_free (r);
}

static gint64
read_data_version (CmReplays *r)
{
  gint64 version = -1;

  if (sqlite3_step (r->data_version_stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (r->data_version_stmt, 0);
  sqlite3_reset (r->data_version_stmt);

  return version;
}

/* At the start of a write transaction. */
gboolean
cm_replays_begin (CmReplays  *r,
                  sqlite3    *db,
                  GError    **error)
{
  gint64 version = read_data_version (r);

  /* Another connection committed: what it stored is not in the table. */
  if (r->tracking && (version < 0 || version != r->data_version))
    forget_fingerprints (r);
  r->data_version = version;

  if (!r->tracking && version >= 0)
    {
      gint64 any = 0;

      if (!cm_sqlite_query_int (db, "SELECT EXISTS (SELECT 1 FROM messages)", &any, error))
        return FALSE;
      if (any == 0)
        {
          r->n_bits = 12;
          r->slots = g_new0 (guint32, 1u << r->n_bits);
          r->tracking = TRUE;
        }
    }

  return TRUE;
}

static guint
slot_of (guint32 fingerprint,
         guint   n_bits)
{
  return (fingerprint * 0x9E3779B1u) >> (32 - n_bits);
}

/* The slot holding @fingerprint, or the empty one where it goes. */
static guint32 *
find_slot (guint32 *slots,
           guint    n_bits,
           guint32  fingerprint)
{
  guint mask = (1u << n_bits) - 1;
  guint i = slot_of (fingerprint, n_bits);

  while (slots[i] != 0 && (slots[i] >> 2) != fingerprint)
    i = (i + 1) & mask;

  return &slots[i];
}

static void
grow (CmReplays *r)
{
  guint old_bits = r->n_bits;
  guint32 *old = r->slots;

  r->n_bits++;
  r->slots = g_new0 (guint32, 1u << r->n_bits);
  for (guint i = 0; i < (1u << old_bits); i++)
    {
      if (old[i] != 0)
        *find_slot (r->slots, r->n_bits, old[i] >> 2) = old[i];
    }
  g_free (old);
}

/* FNV-1a, 64 bits; the fingerprint is its top 30. */
static guint32
fingerprint_of (const char *id)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (const guchar *p = (const guchar *) id; *p != '\0'; p++)
    h = (h ^ *p) * G_GUINT64_CONSTANT (0x100000001b3);

  return (guint32) (h >> 34);
}

/* A copy of @message_id was written (or offered: the upsert may have kept
 * the stored one) in the open transaction. */
void
cm_replays_note (CmReplays  *r,
                 const char *message_id,
                 gboolean    sidechain)
{
  guint32 kind = sidechain ? KIND_SIDECHAIN : KIND_MAIN;
  guint32 fingerprint;
  guint32 *slot;

  if (!r->tracking)
    {
      if (!g_hash_table_contains (r->pending, message_id))
        g_hash_table_add (r->pending, g_strdup (message_id));
      return;
    }

  fingerprint = fingerprint_of (message_id);
  slot = find_slot (r->slots, r->n_bits, fingerprint);
  if (*slot == 0)
    {
      *slot = fingerprint << 2 | kind;
      /* At most three quarters full. */
      if (++r->n_used > (3u << r->n_bits) / 4)
        grow (r);
      return;
    }

  *slot |= kind;
  if ((*slot & KINDS) == KINDS && !g_hash_table_contains (r->pending, message_id))
    g_hash_table_add (r->pending, g_strdup (message_id));
}

/* Before the commit: the sidechain copies of ids stored both ways go. */
gboolean
cm_replays_flush (CmReplays  *r,
                  sqlite3    *db,
                  GError    **error)
{
  GHashTableIter iter;
  const char *id;
  int rc = SQLITE_DONE;

  g_hash_table_iter_init (&iter, r->pending);
  while (rc == SQLITE_DONE && g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    {
      sqlite3_bind_text (r->drop, 1, id, -1, SQLITE_STATIC);
      rc = sqlite3_step (r->drop);
      sqlite3_reset (r->drop);
      sqlite3_clear_bindings (r->drop);
    }
  g_hash_table_remove_all (r->pending);

  if (rc != SQLITE_DONE)
    return cm_sqlite_set_error (error, db, rc, "sidechain copies");

  return TRUE;
}

/* The transaction was rolled back: the fingerprints stay (a superset is
 * still true), the ids to look up go. */
void
cm_replays_discard (CmReplays *r)
{
  g_hash_table_remove_all (r->pending);
}

/* A scan is over: the table would only grow with the app's lifetime. */
void
cm_replays_release (CmReplays *r)
{
  forget_fingerprints (r);
}
