// html: page chrome is not content. Each generator's case is a trimmed copy of the markup it
// emits (Sphinx 5 with Python's theme, DocBook XSL as PostgreSQL uses it, MkDocs Material and
// readthedocs themes, Docusaurus 2/3 classic theme, Javadoc 8 and 17), keeping the chrome and a
// little content.
#include <gtest/gtest.h>

#include <string>

#include "common/error.h"
#include "ingest/loader.h"
#include "test_util.h"

namespace strata::ingest {
namespace {

using strata::testing::error_of;

LoadedDocument load(std::string_view html) {
  LoadResult r = load_document(html, "page.html");
  EXPECT_TRUE(r.document) << r.skipped_reason;
  return r.document.value_or(LoadedDocument{});
}

std::string text_of(std::string_view html) { return load(html).text; }

TEST(LoaderHtmlChrome, SphinxPageKeepsTheBodyOnly) {
  const std::string html = R"(<!DOCTYPE html>
<html lang="en"><head><title>csv — CSV File Reading and Writing</title></head>
<body>
<div class="mobile-nav">
    <nav class="nav-content" role="navigation">
         <a href="https://www.python.org/" class="nav-logo"><img src="../_static/py.svg" alt="Logo"/></a>
        <form role="search" class="search" action="../search.html" method="get">
            <input type="text" name="q" aria-label="Quick search"/><input type="submit" value="Go"/>
        </form>
    </nav>
</div>
    <div class="related" role="navigation" aria-label="related navigation">
      <h3>Navigation</h3>
      <ul><li class="right"><a href="../genindex.html" title="General Index" accesskey="I">index</a></li>
          <li class="nav-item nav-item-1"><a href="index.html">The Python Standard Library</a> &#187;</li></ul>
    </div>
    <div class="document">
      <div class="documentwrapper">
        <div class="bodywrapper">
          <div class="body" role="main">
  <section id="module-csv">
<h1>csv — CSV File Reading and Writing<a class="headerlink" href="#module-csv" title="Permalink to this heading">¶</a></h1>
<p>The so-called CSV (Comma Separated Values) format is the most common import and export format.</p>
<dl class="py function">
<dt class="sig sig-object py" id="csv.reader">
<span class="sig-prename descclassname"><span class="pre">csv.</span></span><span class="sig-name descname"><span class="pre">reader</span></span><span class="sig-paren">(</span><em class="sig-param"><span class="n"><span class="pre">csvfile</span></span></em><span class="sig-paren">)</span><a class="headerlink" href="#csv.reader" title="Permalink to this definition">¶</a></dt>
<dd><p>Return a reader object.</p></dd></dl>
</section>
          </div>
        </div>
      </div>
      <div class="sphinxsidebar" role="navigation" aria-label="main navigation">
        <div class="sphinxsidebarwrapper">
  <div>
    <h3><a href="../contents.html">Table of Contents</a></h3>
    <ul><li><a class="reference internal" href="#">csv — CSV File Reading and Writing</a></li></ul>
  </div>
  <div>
    <h4>Previous topic</h4>
    <p class="topless"><a href="fileformats.html" title="previous chapter">File Formats</a></p>
  </div>
  <div role="note" aria-label="source link">
    <h3>This Page</h3>
    <ul class="this-page-menu"><li><a href="../bugs.html">Report a Bug</a></li><li><a href="x">Show Source</a></li></ul>
  </div>
        </div>
      </div>
<div id="sidebarbutton" title="Collapse sidebar"><span>«</span></div>
      <div class="clearer"></div>
    </div>
    <div class="footer">
    &copy; <a href="../copyright.html">Copyright</a> 2001-2023, Python Software Foundation.
    </div>
  </body>
</html>
)";
  const LoadedDocument doc = load(html);
  EXPECT_EQ(doc.text,
            "# csv — CSV File Reading and Writing\n\n"
            "The so-called CSV (Comma Separated Values) format is the most common import and export format.\n\n"
            "csv.reader(csvfile)\n\n"
            "Return a reader object.");
  EXPECT_EQ(doc.title, "csv — CSV File Reading and Writing");
}

TEST(LoaderHtmlChrome, DocBookNavigationAndTableOfContentsAreDropped) {
  const std::string html =
      R"(<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><html xmlns="http://www.w3.org/1999/xhtml"><head><title>Chapter 29. Monitoring Disk Usage</title></head><body id="docContent" class="container-fluid col-10"><div class="navheader"><table width="100%" summary="Navigation header"><tr><th colspan="5" align="center">Chapter 29. Monitoring Disk Usage</th></tr><tr><td width="10%" align="left"><a accesskey="p" href="dynamic-trace.html" title="28.5. Dynamic Tracing">Prev</a> </td><td width="10%" align="left"><a accesskey="u" href="admin.html" title="Part III. Server Administration">Up</a></td><th width="60%" align="center">Part III. Server Administration</th><td width="10%" align="right"><a accesskey="h" href="index.html" title="PostgreSQL 15.4 Documentation">Home</a></td><td width="10%" align="right"> <a accesskey="n" href="disk-usage.html" title="29.1. Determining Disk Usage">Next</a></td></tr></table><hr /></div><div class="chapter" id="DISKUSAGE"><div class="titlepage"><div><div><h2 class="title">Chapter 29. Monitoring Disk Usage</h2></div></div></div><div class="toc"><p><strong>Table of Contents</strong></p><dl class="toc"><dt><span class="sect1"><a href="disk-usage.html">29.1. Determining Disk Usage</a></span></dt><dt><span class="sect1"><a href="disk-full.html">29.2. Disk Full Failure</a></span></dt></dl></div><p>
  This chapter discusses how to monitor the disk usage of a
  <span class="productname">PostgreSQL</span> database system.
 </p></div><div class="navfooter"><hr /><table width="100%" summary="Navigation footer"><tr><td width="40%" align="left"><a accesskey="p" href="dynamic-trace.html">Prev</a> </td><td width="20%" align="center"><a accesskey="u" href="admin.html">Up</a></td><td width="40%" align="right"> <a accesskey="n" href="disk-usage.html">Next</a></td></tr><tr><td width="40%" align="left" valign="top">28.5. Dynamic Tracing </td><td width="20%" align="center"><a accesskey="h" href="index.html">Home</a></td><td width="40%" align="right" valign="top"> 29.1. Determining Disk Usage</td></tr></table></div></body></html>)";
  EXPECT_EQ(text_of(html),
            "## Chapter 29. Monitoring Disk Usage\n\n"
            "This chapter discusses how to monitor the disk usage of a PostgreSQL database system.");
}

TEST(LoaderHtmlChrome, MkDocsMaterialKeepsTheArticle) {
  const std::string html = R"(<!doctype html>
<html lang="en" class="no-js"><head><title>Installation - My Project</title></head>
<body dir="ltr">
<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">
<label class="md-overlay" for="__drawer"></label>
<div data-md-component="skip"><a href="#installation" class="md-skip">Skip to content</a></div>
<header class="md-header md-header--shadow" data-md-component="header">
  <nav class="md-header__inner md-grid" aria-label="Header">
    <div class="md-header__title"><span class="md-ellipsis">My Project</span></div>
    <div class="md-search" data-md-component="search" role="dialog"><label class="md-search__icon" for="__search"></label>
      <div class="md-search-result__meta">Initializing search</div></div>
  </nav>
</header>
<div class="md-container" data-md-component="container">
  <nav class="md-tabs" aria-label="Tabs" data-md-component="tabs"><ul class="md-tabs__list"><li class="md-tabs__item"><a href=".." class="md-tabs__link">Home</a></li></ul></nav>
  <main class="md-main" data-md-component="main">
    <div class="md-main__inner md-grid">
      <div class="md-sidebar md-sidebar--primary" data-md-component="sidebar" data-md-type="navigation">
        <div class="md-sidebar__scrollwrap"><div class="md-sidebar__inner">
          <nav class="md-nav md-nav--primary" aria-label="Navigation" data-md-level="0"><label class="md-nav__title" for="__drawer">My Project</label>
            <ul class="md-nav__list"><li class="md-nav__item"><a href=".." class="md-nav__link">Home</a></li></ul></nav>
        </div></div>
      </div>
      <div class="md-sidebar md-sidebar--secondary" data-md-component="sidebar" data-md-type="toc">
        <div class="md-sidebar__scrollwrap"><div class="md-sidebar__inner">
          <nav class="md-nav md-nav--secondary" aria-label="Table of contents"><label class="md-nav__title" for="__toc">Table of contents</label>
            <ul class="md-nav__list" data-md-component="toc"><li class="md-nav__item"><a href="#requirements" class="md-nav__link">Requirements</a></li></ul></nav>
        </div></div>
      </div>
      <div class="md-content" data-md-component="content">
        <article class="md-content__inner md-typeset">
          <a href="https://github.com/x/y/edit/main/docs/install.md" title="Edit this page" class="md-content__button md-icon">Edit</a>
          <h1 id="installation">Installation<a class="headerlink" href="#installation" title="Permanent link">&para;</a></h1>
          <p>Install the package with pip.</p>
          <h2 id="requirements">Requirements<a class="headerlink" href="#requirements" title="Permanent link">&para;</a></h2>
          <p>Python 3.8 or newer.</p>
          <aside class="md-source-file"><span class="md-source-file__fact">Last update: 2024-01-02</span></aside>
        </article>
      </div>
    </div>
    <button type="button" class="md-top md-icon" data-md-component="top" hidden>Back to top</button>
  </main>
  <footer class="md-footer">
    <nav class="md-footer__inner md-grid" aria-label="Footer"><a href="../" class="md-footer__link md-footer__link--prev"><div class="md-footer__title"><span class="md-footer__direction">Previous</span><div class="md-ellipsis">Home</div></div></a></nav>
    <div class="md-footer-meta md-typeset"><div class="md-copyright">Made with <a href="https://squidfunk.github.io/mkdocs-material/">Material for MkDocs</a></div></div>
  </footer>
</div>
<div class="md-dialog" data-md-component="dialog"><div class="md-dialog__inner md-typeset"></div></div>
</body></html>
)";
  EXPECT_EQ(text_of(html),
            "# Installation\n\nInstall the package with pip.\n\n## Requirements\n\nPython 3.8 or newer.");
}

TEST(LoaderHtmlChrome, MkDocsReadTheDocsThemeKeepsTheMainDocument) {
  const std::string html = R"(<!DOCTYPE html>
<html class="writer-html5" lang="en"><head><title>Usage - My Docs</title></head>
<body class="wy-body-for-nav" role="document">
<div class="wy-grid-for-nav">
  <nav data-toggle="wy-nav-shift" class="wy-nav-side stickynav">
    <div class="wy-side-nav-search"><a href=".." class="icon icon-home"> My Docs</a></div>
    <div class="wy-menu wy-menu-vertical"><ul><li class="toctree-l1"><a class="reference internal" href="..">Home</a></li></ul></div>
  </nav>
  <section data-toggle="wy-nav-shift" class="wy-nav-content-wrap">
    <nav class="wy-nav-top" role="navigation" aria-label="Mobile navigation menu"><a href="..">My Docs</a></nav>
    <div class="wy-nav-content">
      <div class="rst-content"><div role="navigation" aria-label="breadcrumbs navigation">
  <ul class="wy-breadcrumbs"><li><a href=".." class="icon icon-home"></a> &raquo;</li><li>Usage</li>
    <li class="wy-breadcrumbs-aside"><a href="https://github.com/x/y/edit/master/docs/usage.md">Edit on GitHub</a></li></ul>
  <hr/>
</div>
          <div role="main" class="document" itemscope="itemscope" itemtype="http://schema.org/Article">
            <div class="section" itemprop="articleBody">
<h1 id="usage">Usage</h1>
<p>Run the tool on a folder.</p>
            </div>
          </div><footer>
  <div class="rst-footer-buttons" role="navigation" aria-label="Footer Navigation">
      <a href=".." class="btn btn-neutral float-left" title="Home"><span class="icon icon-circle-arrow-left"></span> Previous</a>
  </div>
  <hr/>
  <div role="contentinfo"><p>Copyright 2024 Someone</p></div>
  Built with <a href="https://www.mkdocs.org/">MkDocs</a> using a <a href="https://github.com/readthedocs/sphinx_rtd_theme">theme</a> provided by <a href="https://readthedocs.org">Read the Docs</a>.
</footer>
      </div>
    </div>
  </section>
</div>
<div class="rst-versions" role="note" aria-label="Versions"><span class="rst-current-version" data-toggle="rst-current-version"><span>&laquo; Previous</span></span></div>
</body></html>
)";
  EXPECT_EQ(text_of(html), "# Usage\n\nRun the tool on a folder.");
}

TEST(LoaderHtmlChrome, DocusaurusKeepsTheDocumentAndItsTitleHeader) {
  const std::string html = R"(<!doctype html>
<html lang="en" dir="ltr" class="docs-wrapper plugin-docs"><head><title>Installation | My Site</title></head>
<body class="navigation-with-keyboard">
<div id="__docusaurus"><div role="region" aria-label="Skip to main content"><a class="skipToContent_fXgn" href="#__docusaurus_skipToContent_fallback">Skip to main content</a></div>
<nav aria-label="Main" class="navbar navbar--fixed-top"><div class="navbar__inner"><a class="navbar__brand" href="/"><b class="navbar__title text--truncate">My Site</b></a></div></nav>
<div id="__docusaurus_skipToContent_fallback" class="main-wrapper mainWrapper_z2l0"><div class="docsWrapper_hBAB">
<button aria-label="Scroll back to top" class="clean-btn theme-back-to-top-button backToTopButton_sjWU" type="button"></button>
<div class="docRoot_UBD9">
<aside class="theme-doc-sidebar-container docSidebarContainer_YfHR"><div class="sidebarViewport_aRkj"><nav aria-label="Docs sidebar" class="menu thin-scrollbar menu_SIkG"><ul class="theme-doc-sidebar-menu menu__list"><li class="theme-doc-sidebar-item-link menu__list-item"><a class="menu__link" href="/docs/intro">Introduction</a></li></ul></nav></div></aside>
<main class="docMainContainer_TBSr"><div class="container padding-top--md padding-bottom--lg"><div class="row"><div class="col docItemCol_VOVn"><div class="docItemContainer_Djhp"><article>
<nav class="theme-doc-breadcrumbs breadcrumbsContainer_Z_bl" aria-label="Breadcrumbs"><ul class="breadcrumbs"><li class="breadcrumbs__item"><a aria-label="Home page" class="breadcrumbs__link" href="/">Home</a></li></ul></nav>
<div class="tocCollapsible_ETCw theme-doc-toc-mobile tocMobile_ITEo"><button type="button" class="clean-btn tocCollapsibleButton_TO0P">On this page</button></div>
<div class="theme-doc-markdown markdown"><header><h1>Installation</h1></header>
<p>Docusaurus needs Node.js 18.0 or above.</p>
<h2 class="anchor anchorWithStickyNavbar_LWe7" id="scaffold">Scaffold a site<a href="#scaffold" class="hash-link" aria-label="Direct link to Scaffold a site" title="Direct link to Scaffold a site">&#8203;</a></h2>
<p>Run the init command.</p></div>
<footer class="theme-doc-footer docusaurus-mt-lg"><div class="theme-doc-footer-edit-meta-row row"><div class="col"><a href="https://github.com/x/y/edit/main/docs/installation.md" class="theme-edit-this-page">Edit this page</a></div><div class="col lastUpdated_JAkA"><span class="theme-last-updated">Last updated on Jan 2, 2024</span></div></div></footer>
</article>
<nav class="pagination-nav docusaurus-mt-lg" aria-label="Docs pages"><a class="pagination-nav__link pagination-nav__link--prev" href="/docs/intro"><div class="pagination-nav__sublabel">Previous</div><div class="pagination-nav__label">Introduction</div></a></nav>
</div></div>
<div class="col col--3"><div class="tableOfContents_bqdL thin-scrollbar theme-doc-toc-desktop"><ul class="table-of-contents table-of-contents__left-border"><li><a href="#scaffold" class="table-of-contents__link toc-highlight">Scaffold a site</a></li></ul></div></div>
</div></div></main></div></div></div>
<footer class="footer footer--dark"><div class="container container-fluid"><div class="footer__copyright">Copyright © 2024 My Project, Inc. Built with Docusaurus.</div></div></footer>
</div></body></html>
)";
  EXPECT_EQ(text_of(html),
            "# Installation\n\nDocusaurus needs Node.js 18.0 or above.\n\n## Scaffold a site\n\nRun the init command.");
}

TEST(LoaderHtmlChrome, Javadoc17KeepsTheMainContent) {
  const std::string html = R"(<!DOCTYPE HTML>
<html lang="en"><head><title>ArrayList (Java SE 17 &amp; JDK 17)</title></head>
<body class="class-declaration-page">
<script type="text/javascript">var pathtoroot = "../../../";</script>
<div class="flex-box">
<header role="banner" class="flex-header">
<nav role="navigation">
<div class="top-nav" id="navbar-top">
<div class="skip-nav"><a href="#skip-navbar-top" title="Skip navigation links">Skip navigation links</a></div>
<ul id="navbar-top-firstrow" class="nav-list" title="Navigation"><li><a href="../../module-summary.html">Module</a></li><li class="nav-bar-cell1-rev">Class</li></ul>
</div>
<div class="sub-nav"><div class="nav-list-search"><label for="search-input">SEARCH:</label><input type="text" id="search-input" value="search"></div></div>
</nav>
</header>
<div class="flex-content">
<main role="main">
<div class="header">
<div class="sub-title"><span class="module-label-in-type">Module</span>&nbsp;<a href="../../module-summary.html">java.base</a></div>
<h1 title="Class ArrayList" class="title">Class ArrayList&lt;E&gt;</h1>
</div>
<section class="class-description" id="class-description">
<div class="block">Resizable-array implementation of the <code>List</code> interface.</div>
</section>
</main>
<footer role="contentinfo">
<hr>
<p class="legal-copy"><small>Copyright &copy; 1993, 2021, Oracle and/or its affiliates. All rights reserved.</small></p>
</footer>
</div>
</div>
</body></html>
)";
  EXPECT_EQ(text_of(html),
            "Module\xC2\xA0java.base\n\n# Class ArrayList<E>\n\nResizable-array implementation of the List interface.");
}

TEST(LoaderHtmlChrome, Javadoc8NavigationBarsAndLegalCopyAreDropped) {
  const std::string html = R"(<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html lang="en"><head><title>ArrayList (Java Platform SE 8 )</title></head>
<body>
<noscript><div>JavaScript is disabled on your browser.</div></noscript>
<div class="topNav"><a name="navbar.top"><!-- --></a>
<div class="skipNav"><a href="#skip.navbar.top" title="Skip navigation links">Skip navigation links</a></div>
<ul class="navList" title="Navigation"><li><a href="../../overview-summary.html">Overview</a></li><li class="navBarCell1Rev">Class</li></ul>
</div>
<div class="subNav"><ul class="navList"><li><a href="../../java/util/AbstractSequentialList.html">Prev&nbsp;Class</a></li></ul></div>
<a name="skip.navbar.top"><!-- --></a>
<div class="header"><div class="subTitle">java.util</div><h2 title="Class ArrayList" class="title">Class ArrayList&lt;E&gt;</h2></div>
<div class="contentContainer"><div class="description"><div class="block">Resizable-array implementation of the <code>List</code> interface.</div></div></div>
<div class="bottomNav"><a name="navbar.bottom"><!-- --></a><ul class="navList" title="Navigation"><li><a href="../../overview-summary.html">Overview</a></li></ul></div>
<p class="legalCopy"><small><a href="http://bugreport.sun.com/bugreport/">Submit a bug or feature</a> Copyright &#x00a9; 1993, 2024, Oracle.</small></p>
</body></html>
)";
  EXPECT_EQ(text_of(html),
            "java.util\n\n## Class ArrayList<E>\n\nResizable-array implementation of the List interface.");
}

TEST(LoaderHtmlChrome, PageHeaderAndFooterGoArticleHeaderStays) {
  EXPECT_EQ(text_of("<body><header><a href=/>Site</a> <h1>Site name</h1></header>"
                    "<article><header><h1>Post title</h1><p>by Ann</p></header><p>Body.</p></article>"
                    "<footer><p>&copy; Site</p></footer></body>"),
            "# Post title\n\nby Ann\n\nBody.");
  EXPECT_EQ(text_of("<main><header><h1>Title</h1></header><p>Body.</p></main>"), "# Title\n\nBody.");
}

TEST(LoaderHtmlChrome, AsideOfThePageGoesAsideInASectionStays) {
  EXPECT_EQ(text_of("<body><aside><p>Related pages</p></aside><section><p>Text<a href=#f1>1</a>.</p>"
                    "<aside class=\"footnote brackets\" id=f1 role=note><p>A footnote.</p></aside></section></body>"),
            "Text1.\n\nA footnote.");
  // An explicit role replaces the implicit one: a footnote outside any section stays.
  EXPECT_EQ(text_of("<main><p>Text.</p><aside role=note><p>A note.</p></aside><aside><p>Ads</p></aside></main>"),
            "Text.\n\nA note.");
  EXPECT_EQ(text_of("<body><footer role=navigation>Prev</footer><header role=region><h1>Kept</h1></header></body>"),
            "# Kept");
}

TEST(LoaderHtmlChrome, AriaLandmarksOfChromeAreDropped) {
  for (const std::string role : {"navigation", "banner", "contentinfo", "complementary", "search", "doc-toc"}) {
    EXPECT_EQ(text_of("<div role=\"" + role + "\"><p>chrome</p></div><p>content</p>"), "content") << role;
  }
  EXPECT_EQ(text_of("<div role=\"note\"><p>a note</p></div>"), "a note");
}

TEST(LoaderHtmlChrome, HiddenButtonsAndSelectsAreNotText) {
  EXPECT_EQ(text_of("<p hidden>secret</p><button>Copy</button><select><option>3.12</option></select><p>shown</p>"),
            "shown");
}

TEST(LoaderHtmlChrome, HeadingPermalinksAreNotPartOfHeadings) {
  EXPECT_EQ(text_of("<h2 id=a>Alpha<a href=\"#a\">¶</a></h2><h2 id=b>Beta <a href=\"#b\"> # </a></h2>"
                    "<h3 id=c>Gamma<a href=\"#c\">§</a></h3><h3 id=d>Delta<a href=\"#d\">&#8203;</a></h3>"
                    "<h3 id=e>Eps<a class=anchor href=\"#e\">🔗</a></h3>"),
            "## Alpha\n\n## Beta\n\n### Gamma\n\n### Delta\n\n### Eps");
  // Links with words keep them, even to the same page.
  EXPECT_EQ(text_of("<p>See <a href=\"#install\">Install</a> and <a href=\"#\">#</a> <a href=\"x.html\">¶</a>.</p>"),
            "See Install and ¶.");
  EXPECT_EQ(load("<h1>Title<a class=headerlink href=#t>¶</a></h1>").title, "Title");
}

TEST(LoaderHtmlChrome, SeveralOrEmptyMainsFallBackToThePage) {
  EXPECT_EQ(text_of("<p>intro</p><main><p>one</p></main><main hidden><p>two</p></main>"), "one");
  EXPECT_EQ(text_of("<p>intro</p><main><p>one</p></main><div role=main><p>two</p></div>"), "intro\n\none\n\ntwo");
  EXPECT_EQ(text_of("<p>outside</p><main> </main>"), "outside");
}

TEST(LoaderHtmlChrome, PageOfChromeAloneIsAnError) {
  const std::string html =
      "<!doctype html><title>Index</title><nav><a href=a.html>A</a></nav><div class=footer>&copy; 2024</div>";
  const Error e = error_of([&] { load_document(html, "page.html"); });
  EXPECT_EQ(e.code(), ExitCode::invalid_input);
  EXPECT_STREQ(e.what(), "only page chrome (navigation, header, footer, sidebar, table of contents), no content");
}

TEST(LoaderHtmlChrome, PageWithoutAnyTextIsAnEmptyDocument) {
  const LoadedDocument doc = load("<!doctype html><title>Moved</title><meta http-equiv=refresh content=\"0; url=x\">");
  EXPECT_EQ(doc.text, "");
  EXPECT_EQ(doc.title, "Moved");
}

}  // namespace
}  // namespace strata::ingest
