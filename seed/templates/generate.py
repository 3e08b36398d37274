import json
def c(anchor, kind, key=None, path=""):
    d={"anchor":anchor,"kind":kind,"path":path}
    if key: d["key"]=key
    return d
def fn_table(n, title, titles, amount_anchor="金额|=金", amount_path="金额", code="功能科目代码|功能科目编码|科目编码|科目代码", label="功能科目名称|科目名称"):
    return {"number":n,"title":title,"titles":titles,"scheme":"FUNCTIONAL","layouts":[[
        c(code,"code",path="功能科目代码"), c(label,"label",path="功能科目名称"), c(amount_anchor,"amount","total",amount_path)]]}
def econ_table(n,title,titles, amount_anchor="金额|=金", amount_path="金额", key="total"):
    return {"number":n,"title":title,"titles":titles,"scheme":"ECONOMIC","layouts":[[
        c("科目编码|科目代码|经济科目编码","code",path="科目编码"), c("科目名称|经济科目名称","label",path="科目名称"), c(amount_anchor,"amount",key,amount_path)]]}
tp_cols_2017=[c("合计","amount","total","合计"), c("小计|=小","amount","three_public","“三公”经费 / 小计"),
  c("因公","amount","overseas_travel","“三公”经费 / 因公出国（境）费"),
  c("小计|=小","amount","official_vehicles","“三公”经费 / 公务用车购置及运行维护费 / 小计"),
  c("公务用车购置费|=公务用车购置|=公务用车购|=公务用车|=公务用","amount","vehicle_purchase","“三公”经费 / 公务用车购置及运行维护费 / 公务用车购置费"),
  c("公务用车运|=公务用车","amount","vehicle_operation","“三公”经费 / 公务用车购置及运行维护费 / 公务用车运行维护费"),
  c("公务接|公务","amount","official_reception","“三公”经费 / 公务接待费"),
  c("会议","amount","meetings","会议费"), c("培训费","amount","training","培训费")]
jiangsu={
 "family":"jiangsu",
 "detect":["江苏省"],
 "government":{"code":"jiangsu","name":"江苏省","name_en":"Jiangsu Province","level":"PROVINCE"},
 "department_labels":["部门：","部门名称："],
 "tables":[
  {"number":1,"title":"收支预算总表","titles":["收支预算总表"],"layouts":[[
     c("项目名称|项目名","label",path="收入 / 项目名称"), c("金额","amount","revenue","收入 / 金额"),
     c("功能科目名","item","function_item","支出 / 功能分类 / 功能科目名称"), c("金额","amount","function","支出 / 功能分类 / 金额"),
     c("项目名称|项目名","item","use_item","支出 / 支出用途 / 项目名称"), c("金额","amount","use","支出 / 支出用途 / 金额")]]},
  {"number":2,"title":"收入预算总表","titles":["收入预算总表"],"layouts":[[
     c("项目名称","label",path="项目名称"), c("金额","amount","total","金额")]]},
  {"number":3,"title":"支出预算总表","titles":["支出预算总表"],"layouts":[[
     c("合计","amount","total","合计"), c("基本支出|=基","amount","basic","基本支出"), c("项目支出|=项目","amount","project","项目支出"),
     c("单位预留|=单位","amount","reserve","单位预留机动经费"), c("结转下年","amount","carry_forward","结转下年资金")]]},
  {"number":4,"title":"财政拨款收支预算总表","titles":["财政拨款收支预算总表"],"layouts":[[
     c("项目名称|项目名","label",path="收入 / 项目名称"), c("金额","amount","revenue","收入 / 金额"),
     c("项目名称|项目名","item","use_item","支出 / 支出用途 / 项目名称"), c("金额","amount","use","支出 / 支出用途 / 金额")]]},
  fn_table(5,"财政拨款支出预算表","财政拨款支出预算表".split()),
  econ_table(6,"财政拨款基本支出预算表",["财政拨款基本支出预算表"]),
  fn_table(7,"一般公共预算支出预算表",["一般公共预算支出预算表"]),
  econ_table(8,"一般公共预算基本支出预算表",["一般公共预算基本支出预算表"],"金额|=金|基本支出|合计"),
  {"number":9,"title":"一般公共预算“三公”经费、会议费、培训费支出预算表","titles":["一般公共预算“三公”经费","一般公共预算\"三公\"经费","“三公”经费"],"layouts":[tp_cols_2017]},
  fn_table(10,"政府性基金支出预算表",["政府性基金支出预算表","政府性基金财政拨款支出预算表","政府性基金预算支出预算表","政府性基金预算财政拨款支出预算表"]),
  econ_table(11,"一般公共预算机关运行经费支出预算表",["一般公共预算机关运行经费支出预算表","一般公共预算机关运行经费"],"机关运行经费","机关运行经费支出"),
  {"number":12,"title":"政府采购支出预算表","titles":["政府采购支出预算表","政府采购预算表"],"layouts":[[
     c("采购品目","label",path="采购品目大类"), c("专项名称|=专项","item","project_name","专项名称"), c("经济科目|=经济","item","economic_item","经济科目"),
     c("采购物品|=品名称","item","item_name","采购物品名称"), c("采购组织|=织形式","item","method","采购组织形式"), c("总计","amount","total","总计")]]},
 ],
 "semantic":{
   "functional":[{"table":5,"total":"total"}],
   "economic":[{"table":6,"total":"total"}],
   "revenue":{"table":1,"column":"revenue","sources":[
      {"labels":["财政拨款"],"code":"1","name":"财政拨款","name_en":"Fiscal appropriations"},
      {"labels":["一般公共预算"],"code":"101","parent":"1","name":"一般公共预算","name_en":"General public budget appropriations"},
      {"labels":["政府性基金预算"],"code":"102","parent":"1","name":"政府性基金预算","name_en":"Government fund budget appropriations"},
      {"labels":["财政专户管理资金"],"code":"2","name":"财政专户管理资金","name_en":"Funds managed in fiscal special accounts"},
      {"labels":["其他资金"],"code":"3","name":"其他资金","name_en":"Other funds"},
      {"labels":["上年结转资金","上年结转"],"code":"4","name":"上年结转资金","name_en":"Carry-over from the previous year"}]},
   "revenue_total":"1:revenue:收入合计",
   "expenditure_total":"1:use:支出合计",
   "three_public_table":9,
   "three_public":[
     {"column":"three_public","key":"total","name":"“三公”经费","name_en":"Total"},
     {"column":"overseas_travel","key":"overseas_travel","parent":"total","name":"因公出国（境）费","name_en":"Overseas (outbound) official travel"},
     {"column":"official_vehicles","key":"official_vehicles","parent":"total","name":"公务用车购置及运行维护费","name_en":"Official vehicle purchase, operation and maintenance (subtotal)"},
     {"column":"vehicle_purchase","key":"vehicle_purchase","parent":"official_vehicles","name":"公务用车购置费","name_en":"Official vehicle purchase"},
     {"column":"vehicle_operation","key":"vehicle_operation","parent":"official_vehicles","name":"公务用车运行维护费","name_en":"Official vehicle operation and maintenance"},
     {"column":"official_reception","key":"official_reception","parent":"total","name":"公务接待费","name_en":"Official reception"}]
 },
 "agree":[
   {"name":"收支总表 revenue = expenditure","left":"1:revenue:收入合计","right":"1:use:支出合计"},
   {"name":"收入预算总表 = 收支总表","left":"2:total:收入总计","right":"1:revenue:收入合计"},
   {"name":"支出预算总表 基本支出 = 收支总表","left":"3:basic:*","right":"1:use:一、基本支出"},
   {"name":"支出预算总表 项目支出 = 收支总表","left":"3:project:*","right":"1:use:二、项目支出"},
   {"name":"财政拨款 = 一般公共预算 + 政府性基金","left":"1:revenue:一、财政拨款","right":"1:revenue:1.一般公共预算+1:revenue:2.政府性基金预算"},
   {"name":"财政拨款收支总表 = 收支总表 财政拨款","left":"4:revenue:收入合计","right":"1:revenue:一、财政拨款"},
   {"name":"财政拨款支出表 = 财政拨款收支总表","left":"5:total:合计","right":"4:use:支出合计"},
   {"name":"财政拨款基本支出表 = 财政拨款收支总表 基本支出","left":"6:total:合计","right":"4:use:一、基本支出"},
   {"name":"一般公共预算支出表 = 财政拨款收支总表 一般公共预算","left":"7:total:合计","right":"4:revenue:一、一般公共预算"},
   {"name":"一般公共预算基本支出表 (economic) = 财政拨款基本支出表","left":"8:total:合计","right":"6:total:合计"},
   {"name":"三公 sum","left":"9:three_public:*","right":"9:overseas_travel:*+9:official_vehicles:*+9:official_reception:*"},
   {"name":"公务用车 sum","left":"9:official_vehicles:*","right":"9:vehicle_purchase:*+9:vehicle_operation:*"},
   {"name":"三公、会议费、培训费 total","left":"9:total:*","right":"9:three_public:*+9:meetings:*+9:training:*"}
 ]
}
json.dump(jiangsu, open('seed/templates/jiangsu.json','w'), ensure_ascii=False, indent=1)

def sh_fn(n,title,titles,cols=None):
    return {"number":n,"title":title,"titles":titles,"scheme":"FUNCTIONAL","layouts":[[
      c("=类","code",path="功能分类科目编码 / 类"), c("=款","code",path="功能分类科目编码 / 款"), c("=项","code",path="功能分类科目编码 / 项"),
      c("功能分类科目名称","label",path="项目 / 功能分类科目名称")] + cols]}
spend=lambda head: [c("合计","amount","total",head+" / 合计"), c("基本支出","amount","basic",head+" / 基本支出"), c("项目支出","amount","project",head+" / 项目支出")]
shanghai={
 "family":"shanghai",
 "detect":["上海市"],
 "government":{"code":"shanghai-putuo","name":"上海市普陀区","name_en":"Putuo District, Shanghai","level":"DISTRICT"},
 "department_labels":["编制部门：","编制单位："],
 "tables":[
  {"number":1,"title":"财务收支预算总表","titles":["财务收支预算总表"],"layouts":[[
     c("项目","label",path="本年收入 / 项目"), c("预算数","amount","revenue","本年收入 / 预算数"),
     c("项目","item","expenditure_item","本年支出 / 项目"), c("合计","amount","expenditure","本年支出 / 预算数 / 合计"),
     c("人员经费","amount","basic_personnel","本年支出 / 预算数 / 基本支出 / 人员经费"), c("公用经费","amount","basic_public","本年支出 / 预算数 / 基本支出 / 公用经费"),
     c("项目支出","amount","project","本年支出 / 预算数 / 项目支出")],[
     c("项目","label",path="本年收入 / 项目"), c("预算数","amount","revenue","本年收入 / 预算数"),
     c("项目","item","expenditure_item","本年支出 / 项目"), c("预算数","amount","expenditure","本年支出 / 预算数")]]},
  sh_fn(2,"收入预算总表",["收入预算总表"],[c("合计","amount","total","收入预算 / 合计"), c("财政拨款","amount","fiscal","收入预算 / 财政拨款收入"),
     c("=事业收入","amount","business","收入预算 / 事业收入"), c("事业单位","amount","operating","收入预算 / 事业单位经营收入"), c("其他收入","amount","other","收入预算 / 其他收入")]),
  sh_fn(3,"支出预算总表",["支出预算总表"],spend("支出预算")),
  {"number":4,"title":"财政拨款收支预算总表","titles":["财政拨款收支预算总表"],"layouts":[[
     c("项目","label",path="财政拨款收入 / 项目"), c("预算数","amount","revenue","财政拨款收入 / 预算数"),
     c("项目","item","expenditure_item","财政拨款支出 / 项目"), c("合计","amount","total","财政拨款支出 / 合计"),
     c("一般公共预算","amount","general","财政拨款支出 / 一般公共预算"), c("政府性基金","amount","fund","财政拨款支出 / 政府性基金预算"),
     c("国有资本","amount","state_capital","财政拨款支出 / 国有资本经营预算")]]},
  sh_fn(5,"一般公共预算支出功能分类预算表",["一般公共预算支出功能分类预算表"],spend("一般公共预算支出")),
  sh_fn(6,"政府性基金预算支出功能分类预算表",["政府性基金预算支出功能分类预算表"],spend("政府性基金预算支出")),
  sh_fn(7,"国有资本经营预算支出功能分类预算表",["国有资本经营预算支出功能分类预算表"],spend("国有资本经营预算支出")),
  {"number":8,"title":"一般公共预算基本支出（部门预算）经济分类预算表","titles":["一般公共预算基本支出"],"scheme":"ECONOMIC","layouts":[[
     c("=类","code",path="部门预算经济分类科目编码 / 类"), c("=款","code",path="部门预算经济分类科目编码 / 款"),
     c("*经济分类科目名称","label",path="项目 / 经济分类科目名称"),
     c("合计","amount","total","一般公共预算基本支出 / 合计"), c("人员经费","amount","personnel","一般公共预算基本支出 / 人员经费"),
     c("公用经费","amount","public","一般公共预算基本支出 / 公用经费")]]},
  {"number":9,"title":"“三公”经费和机关运行经费预算表","titles":["“三公”经费和机关运行经费预算表","\"三公\"经费和机关运行经费预算表"],"layouts":[[
     c("合计","amount","three_public","“三公”经费预算数 / 合计"), c("因公出国","amount","overseas_travel","“三公”经费预算数 / 因公出国(境)费"),
     c("公务接待","amount","official_reception","“三公”经费预算数 / 公务接待费"),
     c("小计","amount","official_vehicles","“三公”经费预算数 / 公务用车购置及运行费 / 小计"),
     c("购置费","amount","vehicle_purchase","“三公”经费预算数 / 公务用车购置及运行费 / 购置费"),
     c("运行费","amount","vehicle_operation","“三公”经费预算数 / 公务用车购置及运行费 / 运行费"),
     c("*机关运行","amount","operating_costs","机关运行经费预算数")]]},
 ],
 "semantic":{
   "functional":[{"table":3,"total":"total","basic":"basic","project":"project"}],
   "economic":[{"table":8,"total":"total"}],
   "revenue":{"table":1,"column":"revenue","sources":[
      {"labels":["财政拨款收入"],"code":"1","name":"财政拨款收入","name_en":"Fiscal appropriations"},
      {"labels":["一般公共预算资金"],"code":"101","parent":"1","name":"一般公共预算资金","name_en":"General public budget appropriations"},
      {"labels":["政府性基金"],"code":"102","parent":"1","name":"政府性基金","name_en":"Government fund budget appropriations"},
      {"labels":["国有资本经营预算"],"code":"103","parent":"1","name":"国有资本经营预算","name_en":"State capital operating budget appropriations"},
      {"labels":["事业收入"],"code":"301","name":"事业收入","name_en":"Public institution service revenue"},
      {"labels":["事业单位经营收入"],"code":"302","name":"事业单位经营收入","name_en":"Public institution operating revenue"},
      {"labels":["其他收入"],"code":"305","name":"其他收入","name_en":"Other revenue"}]},
   "revenue_total":"1:revenue:收入总计",
   "expenditure_total":"1:expenditure:支出总计",
   "three_public_table":9,
   "three_public":[
     {"column":"three_public","key":"total","name":"合计","name_en":"Total"},
     {"column":"overseas_travel","key":"overseas_travel","parent":"total","name":"因公出国(境)费","name_en":"Overseas (outbound) official travel"},
     {"column":"official_vehicles","key":"official_vehicles","parent":"total","name":"公务用车购置及运行费","name_en":"Official vehicle purchase, operation and maintenance (subtotal)"},
     {"column":"vehicle_purchase","key":"vehicle_purchase","parent":"official_vehicles","name":"购置费","name_en":"Official vehicle purchase"},
     {"column":"vehicle_operation","key":"vehicle_operation","parent":"official_vehicles","name":"运行费","name_en":"Official vehicle operation and maintenance"},
     {"column":"official_reception","key":"official_reception","parent":"total","name":"公务接待费","name_en":"Official reception"}]
 },
 "agree":[
   {"name":"收支总表 revenue = expenditure","left":"1:revenue:收入总计","right":"1:expenditure:支出总计"},
   {"name":"收入预算总表 = 收支总表","left":"2:total:合计","right":"1:revenue:收入总计"},
   {"name":"支出预算总表 = 收支总表","left":"3:total:合计","right":"1:expenditure:支出总计"},
   {"name":"财政拨款 = 一般公共预算 + 政府性基金 + 国有资本经营","left":"1:revenue:一、财政拨款收入","right":"1:revenue:1.一般公共预算资金+1:revenue:2.政府性基金+1:revenue:3.国有资本经营预算"},
   {"name":"收入预算总表 财政拨款 = 收支总表","left":"2:fiscal:合计","right":"1:revenue:一、财政拨款收入"},
   {"name":"一般公共预算支出表 = 财政拨款收支总表","left":"5:total:合计","right":"4:general:支出总计"},
   {"name":"基本支出经济分类 = 一般公共预算支出表 基本支出","left":"8:total:合计","right":"5:basic:合计"},
   {"name":"三公 sum","left":"9:three_public:*","right":"9:overseas_travel:*+9:official_vehicles:*+9:official_reception:*"},
   {"name":"公务用车 sum","left":"9:official_vehicles:*","right":"9:vehicle_purchase:*+9:vehicle_operation:*"}
 ]
}
json.dump(shanghai, open('seed/templates/shanghai.json','w'), ensure_ascii=False, indent=1)
