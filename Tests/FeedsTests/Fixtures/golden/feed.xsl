<?xml version="1.0" encoding="UTF-8"?>
<!--
  Herald feed stylesheet (XSLT 1.0). Applied by browsers to both the Atom and
  the RSS feed via <?xml-stylesheet type="text/xsl" href="feed.xsl"?>.
  Renders a human-readable preview: feed metadata plus one card per entry
  (title, date, author, categories, plain-text summary). Full HTML content is
  deliberately NOT rendered (no disable-output-escaping). No JS, no external
  resources; light/dark via prefers-color-scheme.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:a="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    exclude-result-prefixes="a dc">

  <xsl:output method="html" encoding="UTF-8" indent="yes"
      doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="a:feed">
        <xsl:call-template name="page">
          <xsl:with-param name="kind" select="'Atom'"/>
          <xsl:with-param name="lang" select="a:feed/@xml:lang"/>
          <xsl:with-param name="title" select="a:feed/a:title"/>
          <xsl:with-param name="subtitle" select="a:feed/a:subtitle"/>
          <xsl:with-param name="site" select="a:feed/a:link[@rel='alternate' or not(@rel)][1]/@href"/>
          <xsl:with-param name="self" select="a:feed/a:link[@rel='self'][1]/@href"/>
          <xsl:with-param name="updated" select="substring(a:feed/a:updated, 1, 10)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="page">
          <xsl:with-param name="kind" select="'RSS'"/>
          <xsl:with-param name="lang" select="rss/channel/language"/>
          <xsl:with-param name="title" select="rss/channel/title"/>
          <xsl:with-param name="subtitle" select="rss/channel/description"/>
          <xsl:with-param name="site" select="rss/channel/link"/>
          <xsl:with-param name="self" select="rss/channel/a:link[@rel='self'][1]/@href"/>
          <xsl:with-param name="updated" select="rss/channel/lastBuildDate"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="page">
    <xsl:param name="kind"/><xsl:param name="lang"/><xsl:param name="title"/>
    <xsl:param name="subtitle"/><xsl:param name="site"/><xsl:param name="self"/>
    <xsl:param name="updated"/>
    <xsl:variable name="entries" select="a:feed/a:entry | rss/channel/item"/>
    <html lang="{$lang}">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="$title"/> · <xsl:value-of select="$kind"/> feed</title>
        <style>
:root{color-scheme:light dark;--bg:#f5f6f8;--card:#fff;--fg:#1d2330;--muted:#5d6677;--line:#e2e5eb;--accent:#c2410c;--link:#1d4ed8;--chip:#eef1f6;--note:#fff7ed;--note-line:#fdba74;--code:#fff}
@media (prefers-color-scheme:dark){:root{--bg:#11141a;--card:#1a1e26;--fg:#e6e9ef;--muted:#9aa3b2;--line:#2b313c;--accent:#fb923c;--link:#8ab4ff;--chip:#252b36;--note:#2a1f16;--note-line:#9a4a12;--code:#11141a}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,sans-serif;-webkit-text-size-adjust:100%}
main{max-width:46rem;margin:0 auto;padding:1.5rem 1rem 3rem}
a{color:var(--link);text-decoration-thickness:1px;text-underline-offset:2px}
.note{display:flex;gap:.85rem;align-items:flex-start;background:var(--note);border:1px solid var(--note-line);border-radius:12px;padding:1rem 1.1rem;margin-bottom:2rem}
.note svg{flex:none;width:2rem;height:2rem;margin-top:.15rem}
.note p{margin:0 0 .5rem}
.url{display:block;font:.88rem/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);border:1px solid var(--line);border-radius:8px;padding:.5rem .65rem;overflow-wrap:anywhere;user-select:all;-webkit-user-select:all}
.hint{display:block;color:var(--muted);font-size:.82rem;margin-top:.35rem}
header.feed{margin-bottom:1.75rem}
.kind{display:inline-block;font-size:.75rem;font-weight:700;letter-spacing:.06em;text-transform:uppercase;color:var(--accent)}
h1{font-size:clamp(1.6rem,5vw,2.2rem);line-height:1.2;margin:.2rem 0 .5rem}
.sub{color:var(--muted);font-size:1.05rem;margin:0 0 .75rem}
.meta{color:var(--muted);font-size:.9rem}
.meta a{font-weight:600}
h2.count{font-size:.8rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:0 0 .75rem}
article{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.1rem 1.25rem;margin:0 0 1rem}
article>:last-child{margin-bottom:0}
article h3{font-size:1.2rem;line-height:1.35;margin:0 0 .3rem}
article h3 a{color:var(--fg);text-decoration:none}
article h3 a:hover,article h3 a:focus{color:var(--link);text-decoration:underline}
.byline{color:var(--muted);font-size:.88rem;margin:0 0 .6rem}
.byline time{font-variant-numeric:tabular-nums}
.summary{margin:0 0 .6rem;overflow-wrap:break-word}
.tags{display:flex;flex-wrap:wrap;gap:.35rem;list-style:none;margin:0;padding:0}
.tags li{background:var(--chip);border-radius:999px;padding:.1rem .6rem;font-size:.78rem;color:var(--muted)}
footer{color:var(--muted);font-size:.8rem;text-align:center;margin-top:2rem}
@media (max-width:30rem){main{padding:1rem .75rem 2rem}article{padding:1rem}.note{flex-direction:column;gap:.5rem}}
        </style>
      </head>
      <body>
        <main>
          <section class="note" aria-label="About this page">
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true">
              <rect width="24" height="24" rx="5" fill="#f97316"/>
              <circle cx="6.5" cy="17.5" r="2" fill="#fff"/>
              <path d="M4.5 11a8.5 8.5 0 0 1 8.5 8.5M4.5 5.5a14 14 0 0 1 14 14" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round"/>
            </svg>
            <div>
              <p><strong>This is a web feed (Atom/RSS).</strong> Copy its address into your feed reader to subscribe.</p>
              <xsl:if test="string($self)">
                <code class="url"><xsl:value-of select="$self"/></code>
                <span class="hint">Click the address once to select it, then copy.</span>
              </xsl:if>
            </div>
          </section>
          <header class="feed">
            <span class="kind"><xsl:value-of select="$kind"/> feed preview</span>
            <h1 dir="auto"><xsl:value-of select="$title"/></h1>
            <xsl:if test="normalize-space($subtitle)">
              <p class="sub" dir="auto"><xsl:value-of select="$subtitle"/></p>
            </xsl:if>
            <p class="meta">
              <xsl:if test="string($site)">
                <a href="{$site}">Visit the website →</a>
              </xsl:if>
              <xsl:if test="string($updated)">
                <xsl:if test="string($site)"> · </xsl:if>
                Last updated <xsl:value-of select="$updated"/>
              </xsl:if>
            </p>
          </header>
          <h2 class="count">
            <xsl:value-of select="count($entries)"/>
            <xsl:choose><xsl:when test="count($entries) = 1"> post</xsl:when><xsl:otherwise> posts</xsl:otherwise></xsl:choose>
          </h2>
          <xsl:apply-templates select="$entries"/>
          <footer>Generated by <xsl:value-of select="normalize-space(a:feed/a:generator | rss/channel/generator)"/><xsl:if test="not(a:feed/a:generator | rss/channel/generator)">Herald</xsl:if>.
            Feed readers see the same content, with the full text of each post.</footer>
        </main>
      </body>
    </html>
  </xsl:template>

  <!-- Atom entry -->
  <xsl:template match="a:entry">
    <xsl:variable name="date">
      <xsl:choose>
        <xsl:when test="a:published"><xsl:value-of select="substring(a:published, 1, 10)"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="substring(a:updated, 1, 10)"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="authors" select="a:author | /a:feed/a:author[not(current()/a:author)]"/>
    <xsl:call-template name="card">
      <xsl:with-param name="title" select="a:title"/>
      <xsl:with-param name="href">
        <xsl:choose>
          <xsl:when test="a:link[@rel='alternate' or not(@rel)]"><xsl:value-of select="a:link[@rel='alternate' or not(@rel)][1]/@href"/></xsl:when>
          <xsl:when test="starts-with(a:id, 'http')"><xsl:value-of select="a:id"/></xsl:when>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="date" select="$date"/>
      <xsl:with-param name="datetime" select="(a:published | a:updated)[1]"/>
      <xsl:with-param name="edited">
        <xsl:if test="a:published and substring(a:updated, 1, 10) != $date">
          <xsl:value-of select="substring(a:updated, 1, 10)"/>
        </xsl:if>
      </xsl:with-param>
      <xsl:with-param name="authors" select="$authors/a:name"/>
      <xsl:with-param name="cats" select="a:category"/>
      <xsl:with-param name="summary" select="a:summary"/>
    </xsl:call-template>
  </xsl:template>

  <!-- RSS item -->
  <xsl:template match="item">
    <xsl:call-template name="card">
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="href" select="(link | guid[not(@isPermaLink='false')])[1]"/>
      <xsl:with-param name="date" select="pubDate"/>
      <xsl:with-param name="authors" select="dc:creator | author"/>
      <xsl:with-param name="cats" select="category"/>
      <xsl:with-param name="summary" select="description"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="card">
    <xsl:param name="title"/><xsl:param name="href"/><xsl:param name="date"/>
    <xsl:param name="datetime"/><xsl:param name="edited"/><xsl:param name="authors"/>
    <xsl:param name="cats"/><xsl:param name="summary"/>
    <article>
      <h3 dir="auto">
        <xsl:variable name="t">
          <xsl:value-of select="normalize-space($title)"/>
          <xsl:if test="not(normalize-space($title))">(untitled)</xsl:if>
        </xsl:variable>
        <xsl:choose>
          <xsl:when test="string($href)"><a href="{normalize-space($href)}"><xsl:value-of select="$t"/></a></xsl:when>
          <xsl:otherwise><xsl:value-of select="$t"/></xsl:otherwise>
        </xsl:choose>
      </h3>
      <p class="byline">
        <xsl:if test="string($date)">
          <time><xsl:if test="string($datetime)"><xsl:attribute name="datetime"><xsl:value-of select="$datetime"/></xsl:attribute></xsl:if><xsl:value-of select="$date"/></time>
        </xsl:if>
        <xsl:if test="string($edited)"> (updated <xsl:value-of select="$edited"/>)</xsl:if>
        <xsl:if test="$authors">
          <xsl:if test="string($date)"> · </xsl:if>
          <xsl:for-each select="$authors">
            <xsl:if test="position() &gt; 1">, </xsl:if>
            <bdi><xsl:value-of select="normalize-space(.)"/></bdi>
          </xsl:for-each>
        </xsl:if>
      </p>
      <xsl:if test="normalize-space($summary)">
        <p class="summary" dir="auto"><xsl:value-of select="normalize-space($summary)"/></p>
      </xsl:if>
      <xsl:if test="$cats">
        <ul class="tags" aria-label="Categories">
          <xsl:for-each select="$cats">
            <li dir="auto">
              <xsl:choose>
                <xsl:when test="@label"><xsl:value-of select="@label"/></xsl:when>
                <xsl:when test="@term"><xsl:value-of select="@term"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
              </xsl:choose>
            </li>
          </xsl:for-each>
        </ul>
      </xsl:if>
    </article>
  </xsl:template>
</xsl:stylesheet>