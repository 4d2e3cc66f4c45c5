/* Material 9.8 partials/javascripts/base.html (its storage helpers), scoped by <meta name="gknb-scope">. */
__md_scope=new URL(document.querySelector('meta[name="gknb-scope"]').content,location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}}
/* gknb: scripts run here, so lists may be cards on a phone (gknb.css): gknb.js labels their cells; without
   scripts a list stays a table under its headings. */
document.documentElement.classList.add("gknb-js")
