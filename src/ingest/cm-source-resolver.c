/* cm-source-resolver.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cm-source-resolver.h"

void
cm_resolved_source_free (CmResolvedSource *resolved)
{
  if (resolved == NULL)
    return;

  g_free (resolved->projects_dir);
  g_free (resolved->identity_file);
  g_free (resolved);
}

static char *
existing_file (const char *dir,
               const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_IS_REGULAR) ? g_steal_pointer (&path) : NULL;
}

/* A .claude folder holds projects/; its identity is the .claude.json inside
 * it (as with $CLAUDE_CONFIG_DIR) or else the one beside it (as in a home). */
static char *
identity_for_claude_dir (const char *claude_dir)
{
  g_autofree char *parent = g_path_get_dirname (claude_dir);
  char *inside = existing_file (claude_dir, ".claude.json");

  if (inside != NULL)
    return inside;

  return existing_file (parent, ".claude.json");
}

CmResolvedSource *
cm_source_resolve (const char *path)
{
  CmResolvedSource *resolved = g_new0 (CmResolvedSource, 1);
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);
  g_autofree char *home_projects = g_build_filename (canonical, ".claude", "projects", NULL);
  g_autofree char *claude_projects = g_build_filename (canonical, "projects", NULL);
  g_autofree char *base = g_path_get_basename (canonical);

  if (g_file_test (home_projects, G_FILE_TEST_IS_DIR))
    {
      /* A home folder. */
      g_autofree char *claude_dir = g_build_filename (canonical, ".claude", NULL);

      resolved->projects_dir = g_steal_pointer (&home_projects);
      resolved->identity_file = existing_file (canonical, ".claude.json");
      if (resolved->identity_file == NULL)
        resolved->identity_file = existing_file (claude_dir, ".claude.json");
    }
  else if (g_file_test (claude_projects, G_FILE_TEST_IS_DIR))
    {
      /* A .claude (or $CLAUDE_CONFIG_DIR) folder. */
      resolved->projects_dir = g_steal_pointer (&claude_projects);
      resolved->identity_file = identity_for_claude_dir (canonical);
    }
  else
    {
      /* A projects folder, or any folder of transcripts. */
      g_autofree char *parent = g_path_get_dirname (canonical);

      resolved->projects_dir = g_strdup (canonical);
      if (g_str_equal (base, "projects"))
        resolved->identity_file = identity_for_claude_dir (parent);
    }

  return resolved;
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

GStrv
cm_source_find_homes (const char *path)
{
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);
  g_autofree char *home_projects = g_build_filename (canonical, ".claude", "projects", NULL);
  g_autofree char *claude_projects = g_build_filename (canonical, "projects", NULL);
  g_autoptr(GPtrArray) homes = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  /* A home, a .claude folder or a projects folder is read as it is. */
  if (g_file_test (home_projects, G_FILE_TEST_IS_DIR) ||
      g_file_test (claude_projects, G_FILE_TEST_IS_DIR))
    return NULL;

  dir = g_dir_open (canonical, 0, NULL);
  if (dir == NULL)
    return NULL;

  homes = g_ptr_array_new ();
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (canonical, name, NULL);
      g_autofree char *projects = g_build_filename (child, ".claude", "projects", NULL);

      if (g_file_test (projects, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (homes, g_steal_pointer (&child));
    }
  if (homes->len == 0)
    return NULL;

  g_ptr_array_sort (homes, compare_paths);
  g_ptr_array_add (homes, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&homes), FALSE);
}

char *
cm_source_read_owner_email (const char *identity_file)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonObject *obj;
  JsonNode *account;
  const char *email;

  if (identity_file == NULL)
    return NULL;

  parser = json_parser_new_immutable ();
  /* Claude Code rewrites this file while it runs: a partial write simply
   * fails to parse and the owner stays unknown until the next scan. */
  if (!json_parser_load_from_mapped_file (parser, identity_file, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  obj = json_node_get_object (root);
  account = json_object_get_member (obj, "oauthAccount");
  if (account == NULL || !JSON_NODE_HOLDS_OBJECT (account))
    return NULL;

  email = json_object_get_string_member_with_default (json_node_get_object (account),
                                                      "emailAddress", NULL);
  if (email == NULL || *email == '\0' || !g_utf8_validate (email, -1, NULL))
    return NULL;

  return g_strdup (email);
}

GStrv
cm_source_default_paths (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *env = g_getenv ("CLAUDE_CONFIG_DIR");

  if (env != NULL && *env != '\0')
    {
      g_auto(GStrv) parts = g_strsplit (env, ",", -1);

      for (guint i = 0; parts[i] != NULL; i++)
        {
          char *part = g_strstrip (parts[i]);

          if (*part != '\0')
            g_strv_builder_add (builder, part);
        }
    }
  else
    {
      /* $HOME wins over the passwd entry so tests can point it elsewhere. */
      const char *home = g_getenv ("HOME");
      const char *config = g_getenv ("XDG_CONFIG_HOME");
      g_autofree char *config_dir = NULL;

      if (home == NULL || *home == '\0')
        home = g_get_home_dir ();
      if (config != NULL && *config != '\0')
        config_dir = g_strdup (config);
      else
        config_dir = g_build_filename (home, ".config", NULL);

      g_autofree char *xdg = g_build_filename (config_dir, "claude", "projects", NULL);
      g_autofree char *dot = g_build_filename (home, ".claude", "projects", NULL);

      g_strv_builder_add (builder, xdg);
      g_strv_builder_add (builder, dot);
    }

  return g_strv_builder_end (builder);
}

/* The repository a worktree checked out at @root belongs to, from its .git
 * file ("gitdir: /repo/.git/worktrees/NAME"), or NULL when @root holds none
 * (a repository's own .git is a folder). */
static char *
repository_of_worktree (const char *root)
{
  g_autofree char *dotgit = g_build_filename (root, ".git", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *gitdir = NULL;
  GStatBuf st;
  char *line, *at;

  /* A .git file is one short line; anything else is not one. */
  if (g_stat (dotgit, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > 4096 ||
      !g_file_get_contents (dotgit, &contents, NULL, NULL))
    return NULL;

  line = g_strstrip (contents);
  if (!g_str_has_prefix (line, "gitdir:"))
    return NULL;
  gitdir = g_canonicalize_filename (g_strstrip (line + strlen ("gitdir:")), root);
  at = strstr (gitdir, "/.git/worktrees/");
  if (at == NULL || at == gitdir)
    return NULL;

  return g_strndup (gitdir, at - gitdir);
}

/* The first folder from @path up that has a .git: a worktree's answers
 * with its repository. */
static char *
follow_worktree (const char *path)
{
  g_autofree char *dir = g_strdup (path);

  for (guint depth = 0; depth < 64 && g_path_is_absolute (dir); depth++)
    {
      g_autofree char *dotgit = g_build_filename (dir, ".git", NULL);
      char *parent;

      if (g_file_test (dotgit, G_FILE_TEST_EXISTS))
        return repository_of_worktree (dir);
      parent = g_path_get_dirname (dir);
      if (strcmp (parent, dir) == 0)
        {
          g_free (parent);
          break;
        }
      g_free (dir);
      dir = parent;
    }

  return NULL;
}

/* "/src/shop-worktrees/feature-x/…" is a worktree of "/src/shop". */
static gboolean
cut_sibling_worktrees (char *path)
{
  char *at = strstr (path, "-worktrees/");
  char *slash;

  if (at == NULL || at == path)
    return FALSE;
  /* The repository's own name, not a bare "-worktrees". */
  slash = at;
  while (slash > path && slash[-1] != '/')
    slash--;
  if (slash == at)
    return FALSE;
  *at = '\0';

  return TRUE;
}

char *
cm_project_canonicalize (const char *cwd)
{
  static const char *markers[] = { "/.claude/worktrees/", "/.git/worktrees/", "/.worktrees/" };
  g_autofree char *path = NULL;
  char *repository;
  gsize len;

  if (cwd == NULL || *cwd == '\0')
    return NULL;

  path = g_strdup (cwd);
  len = strlen (path);
  while (len > 1 && path[len - 1] == '/')
    path[--len] = '\0';

  /* A worktree that still exists names its repository in its .git file. */
  repository = follow_worktree (path);
  if (repository != NULL)
    return repository;

  /* Else the layouts worktrees are made in: inside the repository (by
   * Claude Code, git or by hand) or beside it. */
  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    {
      char *at = strstr (path, markers[i]);

      if (at != NULL)
        *at = '\0';
    }
  cut_sibling_worktrees (path);

  len = strlen (path);
  while (len > 1 && path[len - 1] == '/')
    path[--len] = '\0';

  return g_steal_pointer (&path);
}
