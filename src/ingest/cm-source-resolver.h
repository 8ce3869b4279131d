/* cm-source-resolver.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where the transcripts and the identity of a folder the user added are. A
 * folder may be a home folder (has .claude/projects), a .claude folder (has
 * projects/) or a projects folder. */
typedef struct
{
  char *projects_dir;   /* folder scanned recursively for *.jsonl */
  char *identity_file;  /* the .claude.json that names the owner, or NULL */
} CmResolvedSource;

CmResolvedSource *cm_source_resolve           (const char       *path);
void              cm_resolved_source_free     (CmResolvedSource *resolved);

/* The homes (folders with .claude/projects) right inside @path, sorted, when
 * @path is none of the folders cm_source_resolve() knows; NULL otherwise. A
 * folder of teammates' homes is read home by home. */
GStrv             cm_source_find_homes        (const char       *path);

/* oauthAccount.emailAddress of a .claude.json, or NULL. Tolerates partial
 * writes and huge files. */
char             *cm_source_read_owner_email  (const char       *identity_file);

/* $CLAUDE_CONFIG_DIR (comma-separated) or else ~/.config/claude/projects and
 * ~/.claude/projects; honours $HOME and $XDG_CONFIG_HOME for tests. */
GStrv             cm_source_default_paths     (void);

/* Canonical project for a cwd: a git worktree collapses into its repository,
 * followed through its .git file while it exists, else recognised by its
 * layout (REPO/.git/worktrees/N, REPO/.worktrees/N, REPO/.claude/worktrees/N,
 * REPO-worktrees/N). */
char             *cm_project_canonicalize     (const char       *cwd);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmResolvedSource, cm_resolved_source_free)

G_END_DECLS
